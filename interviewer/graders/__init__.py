from .base import Grader, GradingError, UnknownGraderError, available, get_grader, register

__all__ = ["Grader", "GradingError", "UnknownGraderError", "available", "get_grader", "register"]
