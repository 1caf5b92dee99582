"""Every accepted PDF is rewritten: no scripts, actions, embedded files or author, even in object streams."""
import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String
from werkzeug.datastructures import FileStorage

from portal.core.errors import PortalError
from portal.core.storage import open_upload, store_upload

SECRET_AUTHOR = "张秘密举报人"


def hostile_pdf(*, object_streams: bool = True) -> bytes:
    """A PDF with every trick the scan of uploads must defeat, built with pikepdf itself."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0]
    js = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert('x')")))
    pdf.Root.OpenAction = js
    pdf.Root.AA = Dictionary(WC=Dictionary(S=Name.JavaScript, JS=String("app.alert('close')")))
    pdf.Root.Names = Dictionary(
        JavaScript=Dictionary(Names=Array([String("a"), js])),
        EmbeddedFiles=Dictionary(Names=Array([String("payload.exe"), Dictionary(
            Type=Name.Filespec, F=String("payload.exe"),
            EF=Dictionary(F=pdf.make_stream(b"MZ payload", Type=Name.EmbeddedFile)))])))
    launch = Dictionary(S=Name.Launch, F=String("cmd.exe"))
    page.obj.Annots = pdf.make_indirect(Array([
        pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 10, 10]), A=launch)),
        pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=Array([0, 0, 5, 5]),
                                     FS=Dictionary(Type=Name.Filespec, F=String("x.exe")))),
    ]))
    page.obj.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=String("app.alert('open')")))
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [SECRET_AUTHOR]
    pdf.docinfo["/Author"] = SECRET_AUTHOR
    out = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    pdf.save(out, object_stream_mode=mode, compress_streams=True)
    return out.getvalue()


def upload(data: bytes, name: str = "证据.pdf") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/pdf")


def test_the_hostile_pdf_hides_its_script_in_a_compressed_object_stream():
    data = hostile_pdf()
    assert b"/JavaScript" not in data and b"/OpenAction" not in data  # a byte scan sees nothing
    assert b"/ObjStm" in data


@pytest.mark.parametrize("object_streams", [True, False])
def test_accepted_pdf_loses_scripts_actions_files_and_author(ctx, app, object_streams):
    stored = store_upload(upload(hostile_pdf(object_streams=object_streams)), field="files")
    with open_upload(stored.stored_name) as fh:
        data = fh.read()
    assert SECRET_AUTHOR.encode("utf-16-be") not in data and SECRET_AUTHOR.encode() not in data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/Info" not in pdf.trailer
        assert "/Metadata" not in pdf.Root and "/OpenAction" not in pdf.Root and "/AA" not in pdf.Root
        assert len(pdf.pages) == 1
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                assert not ({"/JS", "/JavaScript", "/AA", "/OpenAction", "/EmbeddedFiles", "/Metadata"}
                            & set(obj.keys())), obj
                assert obj.get("/S") not in (Name.JavaScript, Name.Launch)
                assert obj.get("/Type") != Name.EmbeddedFile
                assert obj.get("/Subtype") != Name.FileAttachment
        assert b"MZ payload" not in b"".join(o.read_bytes() for o in pdf.objects if isinstance(o, pikepdf.Stream))
    assert stored.size == len(data)


@pytest.mark.parametrize("data", [
    b"%PDF-1.4\nnot really a pdf\n%%EOF\n",
    b"%PDF-1.7\n" + b"\x00" * 500,
])
def test_unreadable_pdf_is_refused_with_a_message(ctx, app, data):
    with pytest.raises(PortalError) as caught:
        store_upload(upload(data), field="files")
    assert caught.value.field == "files"
    assert "PDF" in str(caught.value.message)


def test_password_protected_pdf_is_refused(ctx, app):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(PortalError):
        store_upload(upload(out.getvalue()), field="files")


def test_complaint_form_shows_the_refusal_beside_the_field(client):
    from tests.demo_ids import VILLAGE

    page = client.get(f"/complaints/new?all=1&village={VILLAGE}")
    assert page.status_code == 200
    token = page.get_data(as_text=True).split('name="csrf_token"')[1].split('value="')[1].split('"')[0]
    response = client.post("/complaints/new", data={
        "csrf_token": token, "village": VILLAGE, "category": "integrity", "about": "村主任",
        "description": "村主任在村道工程中收受承包老板礼金两万元。", "anonymous": "1",
        "files": (io.BytesIO(b"%PDF-1.4\ngarbage\n%%EOF\n"), "证据.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "PDF" in response.get_data(as_text=True)
