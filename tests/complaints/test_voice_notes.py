"""Voice notes: AMR, M4A and MP3 judged by their bytes, tags dropped without re-encoding the sound."""
import io
import struct

import pytest

from portal.core.media_audio import clean_audio, sniff_audio

FRAME = b"\xff\xfb\x90\x64" + bytes(413)  # one MPEG-1 Layer III frame header and its body


def _id3v2(payload: bytes) -> bytes:
    size = len(payload)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x03\x00\x00" + syncsafe + payload


def _box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(body), kind) + body


def _m4a(with_tags: bool = True) -> bytes:
    udta = _box(b"udta", _box(b"meta", b"\x00\x00\x00\x00" + _box(b"ilst", b"Recorded at 30.15N 120.2E by WeChat")))
    moov = _box(b"moov", _box(b"mvhd", bytes(100)) + (udta if with_tags else b""))
    return _box(b"ftyp", b"M4A \x00\x00\x00\x00M4A isom") + moov + _box(b"mdat", bytes(64))


def test_types_are_judged_by_bytes():
    assert sniff_audio(b"#!AMR\n" + bytes(20)) == "audio/amr"
    assert sniff_audio(_m4a()) == "audio/mp4"
    assert sniff_audio(_id3v2(b"TIT2" + bytes(20)) + FRAME) == "audio/mpeg"
    assert sniff_audio(FRAME) == "audio/mpeg"
    assert sniff_audio(b"\xff\xd8\xff\xe0JFIF") is None
    assert sniff_audio(b"ID3\x03\x00\x00\x00\x00\x00\x05hello") is None  # a tag and nothing playable


def test_mp3_loses_its_id3_tags_front_and_back():
    tagged = _id3v2(b"TIT2\x00\x00\x00\x10\x00\x00\x03secret place") + FRAME + b"TAG" + b"x" * 125
    cleaned = clean_audio(tagged, "audio/mpeg")
    assert cleaned == FRAME and b"secret" not in cleaned


def test_m4a_metadata_is_blanked_and_its_length_kept():
    data = _m4a()
    cleaned = clean_audio(data, "audio/mp4")
    assert len(cleaned) == len(data) and b"WeChat" not in cleaned and b"30.15N" not in cleaned
    assert b"udta" not in cleaned and b"free" in cleaned and cleaned.endswith(bytes(64))


def test_amr_is_kept_as_recorded():
    data = b"#!AMR\n" + bytes(range(50))
    assert clean_audio(data, "audio/amr") == data


@pytest.mark.parametrize("data,mime", [(b"\x00\x00\x00\x10ftypM4A \xff\xff\xff\xffmoov", "audio/mp4"),
                                       (_box(b"ftyp", b"M4A \x00\x00\x00\x00") + _box(b"mdat", b""), "audio/mp4"),
                                       (_id3v2(b"TIT2") + b"not audio", "audio/mpeg")])
def test_damaged_or_disguised_recordings_are_refused(data, mime):
    with pytest.raises(ValueError):
        clean_audio(data, mime)


def test_a_voice_note_is_kept_with_the_report_without_its_tags(app, client, forms):
    from pathlib import Path

    client.get("/complaints/new?village=339901101202")
    page = forms.post("/complaints/new/what", {"description": "村主任在村道工程中收受承包老板礼金两万元。",
                                                "voice": (io.BytesIO(_m4a()), "语音.m4a")},
                      form_url="/complaints/new/what", content_type="multipart/form-data")
    assert page.status_code == 303
    shown = client.get("/complaints/new/what").get_data(as_text=True)
    assert "语音.m4a" in shown
    stored = [p for p in Path(app.config["UPLOAD_DIR"]).glob("*.m4a")]
    assert stored and all(b"WeChat" not in p.read_bytes() for p in stored)
