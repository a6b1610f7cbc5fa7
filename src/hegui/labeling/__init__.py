"""AIGC labels per the Labeling Measures (2025) and GB 45438-2025.

Implicit labels: the Appendix E ``AIGC`` object (:class:`AigcLabel`), written into and read from
file metadata by one carrier per format (components of :data:`CARRIERS`); explicit labels: text,
image, audio and video marks; the platform side of Measures Art. 6 (confirmed / possible /
suspected / none); integrity values of registered schemes (:data:`INTEGRITY_SCHEMES`).

The jobs the CLI, the gateway and the console share are :func:`add_labels`,
:func:`inspect_files` and :func:`verify_files`: typed options in, frozen batch results out
(exit code, JSON shape, Evidence with kinds and components). Every parse of a file is bounded by
:class:`Limits` (see ``SECURITY.md``).

Example:
    >>> from hegui.labeling import AigcLabel, LabelValue
    >>> label = AigcLabel.first_write("001191440300708461136T1XGW3", "a1b2c3")
    >>> label.to_json()[:42]
    '{"Label":"1","ContentProducer":"0011914403'
"""

from hegui.labeling._batch import FileError, Item, Skipped
from hegui.labeling._batches import AddBatch, InspectBatch, VerifyBatch
from hegui.labeling._explicit import ExplicitOptions, ExplicitResult, add_explicit
from hegui.labeling._explicit_audio import CuePosition, RhythmCue, rhythm_samples
from hegui.labeling._explicit_image import ImagePosition, draw_image_label, parse_image_position
from hegui.labeling._explicit_text import (
    TextLabelMatch,
    TextPosition,
    add_text_label,
    check_text_label,
    check_wording,
)
from hegui.labeling._files import WriteResult, content_digest, inspect_file, write_label
from hegui.labeling._font import CjkFont, find_cjk_font
from hegui.labeling._found import FileReport, FoundLabel, LabelForm, RawLabel
from hegui.labeling._integrity import (
    METADATA_ONLY,
    ContentDigest,
    IntegrityResult,
    IntegrityRole,
    IntegrityStatus,
    integrity_message,
    sign_label,
    verify_integrity,
)
from hegui.labeling._jobs import AddOptions, VerifyOptions, add_labels, inspect_files, verify_files
from hegui.labeling._keys import (
    INTEGRITY_SCHEMES,
    Ed25519Key,
    HmacKey,
    IntegrityKey,
    KeyKind,
    load_key,
)
from hegui.labeling._limits import Limits, applied, current_limits, parse_limits
from hegui.labeling._model import (
    CHARSET_PATTERN,
    FIELD_ORDER,
    AigcLabel,
    LabelValue,
    charset_violations,
)
from hegui.labeling._parse import interpret
from hegui.labeling._placements import Placements, WrittenForm, placements
from hegui.labeling._platform import Determination, Verification, propagate, verify_file
from hegui.labeling._produce import label_file
from hegui.labeling._provider import (
    CodePart,
    ProviderCode,
    ServiceType,
    check_provider_code,
    describe_provider_code,
    looks_like_provider_code,
    make_provider_code,
)
from hegui.labeling._traces import Trace, find_traces
from hegui.labeling.carriers import (
    CARRIERS,
    RETIRED_DIGESTS,
    Carrier,
    FileFormat,
    registered_formats,
)
from hegui.labeling.carriers._xmp import exiftool_config

__all__ = [
    "CARRIERS",
    "CHARSET_PATTERN",
    "FIELD_ORDER",
    "INTEGRITY_SCHEMES",
    "METADATA_ONLY",
    "RETIRED_DIGESTS",
    "AddBatch",
    "AddOptions",
    "AigcLabel",
    "Carrier",
    "CjkFont",
    "CodePart",
    "ContentDigest",
    "CuePosition",
    "Determination",
    "Ed25519Key",
    "ExplicitOptions",
    "ExplicitResult",
    "FileError",
    "FileFormat",
    "FileReport",
    "FoundLabel",
    "HmacKey",
    "ImagePosition",
    "InspectBatch",
    "IntegrityKey",
    "IntegrityResult",
    "IntegrityRole",
    "IntegrityStatus",
    "Item",
    "KeyKind",
    "LabelForm",
    "LabelValue",
    "Limits",
    "Placements",
    "ProviderCode",
    "RawLabel",
    "RhythmCue",
    "ServiceType",
    "Skipped",
    "TextLabelMatch",
    "TextPosition",
    "Trace",
    "Verification",
    "VerifyBatch",
    "VerifyOptions",
    "WriteResult",
    "WrittenForm",
    "add_explicit",
    "add_labels",
    "add_text_label",
    "applied",
    "charset_violations",
    "check_provider_code",
    "check_text_label",
    "check_wording",
    "content_digest",
    "current_limits",
    "describe_provider_code",
    "draw_image_label",
    "exiftool_config",
    "find_cjk_font",
    "find_traces",
    "inspect_file",
    "inspect_files",
    "integrity_message",
    "interpret",
    "label_file",
    "load_key",
    "looks_like_provider_code",
    "make_provider_code",
    "parse_image_position",
    "parse_limits",
    "placements",
    "propagate",
    "registered_formats",
    "rhythm_samples",
    "sign_label",
    "verify_file",
    "verify_files",
    "verify_integrity",
    "write_label",
]
