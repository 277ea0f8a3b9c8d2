"""The competency model and assessment instruments as versioned, validated content.

Pure: no Django. ``default_content()`` gives the shipped content; ``check_tree(path)`` lists
every problem in a content tree with file, YAML path and reason.
"""

from .loader import DEFAULT_ROOT, Content, default_content, load_content, read_content
from .problems import ContentError, Problem
from .schema import LANGUAGES, Translated, TranslatedList
from .validate import check_content, check_tree

__all__ = [
    "DEFAULT_ROOT",
    "LANGUAGES",
    "Content",
    "ContentError",
    "Problem",
    "Translated",
    "TranslatedList",
    "check_content",
    "check_tree",
    "default_content",
    "load_content",
    "read_content",
]
