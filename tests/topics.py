"""Which bank topics may share vocabulary: the bank tests and the off-topic benchmark both use it."""

from __future__ import annotations

# Topics whose model answers legitimately share vocabulary; every other pair must not cross-score.
RELATED = {
    "serving-modes": {"serving-frameworks", "orchestration-scaling", "environments", "llm-serving"},
    "serving-frameworks": {"serving-modes", "containers", "orchestration-scaling", "model-formats", "llm-serving"},
    "containers": {"serving-frameworks", "orchestration-scaling", "cicd", "security", "environments"},
    "orchestration-scaling": {
        "serving-modes",
        "serving-frameworks",
        "containers",
        "release-strategies",
        "monitoring",
        "environments",
        "llm-serving",
    },
    "release-strategies": {"orchestration-scaling", "monitoring", "cicd", "versioning", "incidents", "llm-serving"},
    "monitoring": {"release-strategies", "drift", "incidents", "orchestration-scaling", "llm-serving"},
    "drift": {"monitoring", "incidents", "cicd"},
    "model-formats": {"serving-frameworks", "environments", "security"},
    "versioning": {"release-strategies", "cicd", "incidents", "llm-serving"},
    "cicd": {"containers", "release-strategies", "versioning", "drift"},
    "security": {"containers", "model-formats", "environments"},
    "environments": {"serving-modes", "containers", "orchestration-scaling", "model-formats", "security"},
    "incidents": {"release-strategies", "monitoring", "drift", "versioning"},
    "llm-serving": {
        "serving-frameworks",
        "orchestration-scaling",
        "monitoring",
        "release-strategies",
        "versioning",
        "serving-modes",
    },
}
