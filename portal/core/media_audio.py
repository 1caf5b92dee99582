"""Voice notes as WeChat records them (AMR, M4A, MP3): judged by their bytes, tags dropped without re-encoding.

What is removed, honestly: an MP3's ID3v2 tag at the start and ID3v1 tag at the
end; an M4A's user data and metadata boxes (udta, meta: title, artist, the
recording app, sometimes a place) are blanked to "free" boxes of the same
size, so the audio offsets stay valid. AMR files carry no tags. The sound
itself is kept as recorded, and a voice can identify a speaker.
"""
import struct

AUDIO_TYPES = ("audio/amr", "audio/mp4", "audio/mpeg")
AUDIO_EXTENSIONS = {"audio/amr": ".amr", "audio/mp4": ".m4a", "audio/mpeg": ".mp3"}
AUDIO_ALIASES = {"audio/amr": ("amr",), "audio/mp4": ("m4a", "mp4", "aac"), "audio/mpeg": ("mp3",)}
_MP4_AUDIO_BRANDS = (b"M4A ", b"M4B ", b"mp42", b"mp41", b"isom", b"iso2", b"3gp4", b"3gp5", b"3gp6", b"dash")
_CONTAINERS = (b"moov", b"trak", b"mdia", b"minf", b"stbl")  # boxes holding other boxes we walk into
_BLANKED = (b"udta", b"meta", b"ilst", b"XMP_", b"uuid")


def _mpeg_frame(data: bytes, at: int) -> bool:
    return len(data) > at + 1 and data[at] == 0xFF and (data[at + 1] & 0xE0) == 0xE0 and (data[at + 1] & 0x06) != 0


def _id3v2_length(data: bytes) -> int:
    if data[:3] != b"ID3" or len(data) < 10:
        return 0
    size = 0
    for byte in data[6:10]:
        if byte & 0x80:
            return -1  # not a syncsafe size: a damaged or disguised file
        size = (size << 7) | byte
    footer = 10 if data[5] & 0x10 else 0
    return 10 + size + footer


def sniff_audio(data: bytes) -> str | None:
    """Return the audio type the bytes really are, or None."""
    if data.startswith(b"#!AMR\n") or data.startswith(b"#!AMR-WB\n"):
        return "audio/amr"
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in _MP4_AUDIO_BRANDS:
        return "audio/mp4"
    skip = _id3v2_length(data)
    if skip >= 0 and _mpeg_frame(data, skip):
        return "audio/mpeg"
    return None


def _boxes(data: bytearray, start: int, end: int):
    """Yield (offset, size, type) of the MP4 boxes between start and end; stop at anything malformed."""
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        if size == 1 and at + 16 <= end:
            size = struct.unpack(">Q", data[at + 8:at + 16])[0]
        elif size == 0:
            size = end - at
        if size < 8 or at + size > end:
            raise ValueError("damaged MP4 box")
        yield at, size, kind
        at += size


def _blank_mp4_metadata(data: bytearray, start: int, end: int) -> None:
    for at, size, kind in list(_boxes(data, start, end)):
        if kind in _BLANKED:
            data[at + 4:at + 8] = b"free"
            data[at + 8:at + size] = bytes(size - 8)
        elif kind in _CONTAINERS:
            _blank_mp4_metadata(data, at + 8, at + size)


def clean_audio(data: bytes, mime: str) -> bytes:
    """Return the recording without its tags; raise ValueError when it is not the container it claims."""
    if mime == "audio/amr":
        return data
    if mime == "audio/mpeg":
        skip = _id3v2_length(data)
        body = data[skip:] if skip > 0 else data
        if len(body) >= 128 and body[-128:-125] == b"TAG":
            body = body[:-128]
        if not _mpeg_frame(body, 0):
            raise ValueError("no MPEG audio after the tags")
        return body
    if mime == "audio/mp4":
        out = bytearray(data)
        kinds = [kind for _, _, kind in _boxes(out, 0, len(out))]
        if kinds[:1] != [b"ftyp"] or b"moov" not in kinds:
            raise ValueError("an MP4 file without a movie box")
        _blank_mp4_metadata(out, 0, len(out))
        return bytes(out)
    raise ValueError(f"not an audio type: {mime}")
