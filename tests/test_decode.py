from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlp_extract.decode import decode_bytes
from nlp_extract.errors import InputError

from .conftest import EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "big5"])
def test_samples_reencoded_decode_exactly(path, encoding):
    raw = path.read_text(encoding="utf-8")
    try:
        data = raw.encode(encoding)
    except UnicodeEncodeError:
        # Big5 cannot hold every character of every sample; test the ones it can
        raw = raw.encode(encoding, errors="ignore").decode(encoding)
        data = raw.encode(encoding)
    text, found = decode_bytes(data)
    assert text == raw
    family = {"utf-16-le": "utf-16", "utf-16-be": "utf-16", "big5": "big5"}.get(encoding, encoding)
    assert found.replace("hkscs", "").startswith(family.split("-sig")[0][:5]) or found == encoding


def test_gbk_page_is_reported_as_gb18030():
    raw = EXAMPLES[4].read_text(encoding="utf-8")
    text, encoding = decode_bytes(raw.encode("gb18030"))
    assert (text, encoding) == (raw, "gb18030")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (bytes(range(256)) * 20, "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(2000), "binary"),
    ],
)
def test_bad_bytes_raise_input_error(data, message):
    with pytest.raises(InputError, match=message):
        decode_bytes(data)


@given(st.text(alphabet=st.characters(categories=["Lo", "Nd", "Zs", "Po"]), min_size=1, max_size=200))
def test_any_utf8_text_round_trips(text):
    if not text.strip():
        return
    decoded, _ = decode_bytes(text.encode("utf-8"))
    assert decoded == text


def test_bom_file_cut_mid_character_keeps_its_text():
    """A UTF-8 file with a BOM whose download stopped inside a character: the text, one U+FFFD at the cut."""
    raw = EXAMPLES[0].read_text(encoding="utf-8")
    text, encoding = decode_bytes((raw + "。").encode("utf-8-sig")[:-1])  # 。 is three bytes: keep two
    assert encoding.startswith("utf-8") and text == raw + "\ufffd"


def test_bom_with_text_in_another_encoding_is_an_error():
    """A UTF-8 BOM before GBK bytes: far too many bad bytes to be damage, so a clear error, not mojibake."""
    raw = EXAMPLES[0].read_text(encoding="utf-8")
    with pytest.raises(InputError, match="BOM but invalid"):
        decode_bytes(b"\xef\xbb\xbf" + raw.encode("gb18030"))
