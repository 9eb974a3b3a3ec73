from .base import Grader, GradingError, register, unregister
from .registry import UnknownGraderError, available, choose, get_grader, grader_class, offline_order

__all__ = [
    "Grader",
    "GradingError",
    "UnknownGraderError",
    "available",
    "choose",
    "get_grader",
    "grader_class",
    "offline_order",
    "register",
    "unregister",
]
