"""ServiceFit: open-source, self-hosted assessment and structured hiring for customer service.

The pure libraries (:mod:`servicefit.psychometrics`, :mod:`servicefit.language`,
:mod:`servicefit.content`) never import Django; the Django project lives beside them.
"""

__version__ = "0.1.0"
