"""hegui (合规): China's rules for AI services, executable.

Subpackages: ``hegui.kb`` (knowledge base and scope), ``hegui.safety`` (content screening),
``hegui.labeling`` (GB 45438 labels), ``hegui.evals`` (GB/T 45654 tests). Importing ``hegui``
does nothing observable; import the subpackage you need.
"""

import logging

from hegui._version import __version__

__all__ = ["__version__"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
