"""The readable difference between revisions: pure functions, escaped output."""
from markupsafe import Markup

from portal.records.diff import diff_decision, diff_revisions, diff_table, diff_text, pick_pair, tokenize


def test_tokens_split_han_characters_words_and_numbers_and_join_back():
    text = "本月支出 6,800.50 元, paid to Zhou\n第二行"
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert "6,800.50" in tokens and "Zhou" in tokens and "本" in tokens and "月" in tokens


def test_text_diff_marks_changed_words_only():
    html = diff_text("村道养护 6,800 元\n经手人：周晓燕", "村道养护 8,600 元\n经手人：周晓燕")
    assert isinstance(html, Markup)
    assert html == "村道养护 <del>6,800</del><ins>8,600</ins> 元\n经手人：周晓燕"


def test_text_diff_of_chinese_marks_single_characters():
    assert diff_text("保洁员工资", "保洁员奖金") == "保洁员<del>工资</del><ins>奖金</ins>"


def test_text_diff_handles_added_and_removed_lines():
    html = diff_text("甲\n乙\n丙", "甲\n丙\n丁")
    assert html == "甲\n<del>乙</del>\n丙\n<ins>丁</ins>"


def test_text_diff_escapes_everything_the_author_wrote():
    html = diff_text("<b>旧</b>", "<script>alert(1)</script>&amp;")
    assert "<script" not in html and "<b>" not in html and "&lt;" in html and "&amp;amp;" in html
    assert html.count("<") == html.count("<ins>") * 2 + html.count("<del>") * 2  # only our marks are tags


def test_identical_texts_have_no_marks():
    assert diff_text("同样", "同样") == "同样"


def test_table_diff_pairs_edited_rows_and_lists_added_and_removed_ones():
    old = {"columns": ["序号", "摘要", "支出"], "rows": [["1", "办公用品", "680.00"], ["2", "电费", "1235.60"],
                                                   ["3", "保洁", "4500.00"]], "totals": {"支出": "6415.60"}}
    new = {"columns": ["序号", "摘要", "支出"], "rows": [["1", "办公用品", "680.00"], ["2", "电费", "1325.60"],
                                                   ["4", "路灯", "2360.00"], ["5", "误工", "3500.00"]],
           "totals": {"支出": "7865.60"}}
    diff = diff_table(old, new)
    assert diff.unchanged_rows == 1 and diff.changed
    statuses = [row.status for row in diff.rows]
    assert statuses == ["changed", "changed", "added"]
    edited = diff.rows[0].cells
    assert [c.changed for c in edited] == [False, False, True] and edited[2].old == "1235.60"
    assert diff.totals == [("支出", "6415.60", "7865.60")]


def test_table_diff_reports_added_and_removed_columns():
    old = {"columns": ["序号", "摘要"], "rows": [["1", "a"]]}
    new = {"columns": ["序号", "金额"], "rows": [["1", "5.00"]]}
    diff = diff_table(old, new)
    assert diff.added_columns == ["金额"] and diff.removed_columns == ["摘要"]
    assert diff.columns == ["序号", "金额", "摘要"]


def test_decision_diff_lists_changed_fields_and_steps():
    old = {"matter": "修路", "dual_role": True, "steps": [
        {"step": "committees", "date": "2025-02-12", "present": 7}, {"step": "proposal", "date": "2025-02-10"}]}
    new = {"matter": "修路", "dual_role": True, "steps": [
        {"step": "committees", "date": "2025-02-13", "present": 7}, {"step": "representatives", "date": "2025-02-25"}]}
    changes = [(c.step, c.name, c.old, c.new) for c in diff_decision(old, new)]
    assert changes == [("committees", "date", "2025-02-12", "2025-02-13"), ("representatives", "step", False, True),
                       ("proposal", "step", True, False)]


def test_revision_diff_covers_title_breaches_files_and_sections():
    diff = diff_revisions("旧标题", {"kind": "decision", "matter": "a", "breaches": [{"step": "x", "code": "quorum"}]},
                          "新标题", {"kind": "decision", "matter": "a", "breaches": []})
    assert diff.title == "<del>旧</del><ins>新</ins>标题" and diff.breaches_removed == [("x", "quorum")]
    files = diff_revisions("t", {"kind": "attachment", "files": [{"id": 1, "name": "旧.pdf"}]},
                           "t", {"kind": "attachment", "files": [{"id": 2, "name": "新.pdf"}]})
    assert [f["name"] for f in files.files_added] == ["新.pdf"]
    assert [f["name"] for f in files.files_removed] == ["旧.pdf"]
    report = diff_revisions("t", {"kind": "duty_report", "sections": {"duties": "甲", "plans": "乙"}},
                            "t", {"kind": "duty_report", "sections": {"duties": "甲", "funds": "丙"}})
    assert [key for key, _ in report.sections] == ["funds", "plans"]
    assert not diff_revisions("t", {"kind": "text", "markdown": "x"}, "t", {"kind": "text", "markdown": "x"}).changed


def test_text_diff_falls_back_to_visible_text_when_no_source_is_stored():
    diff = diff_revisions("t", {"kind": "table", "notes_html": "<p>说明甲</p>"}, "t",
                          {"kind": "table", "notes": "说明乙", "notes_html": "<p>说明乙</p>"})
    assert diff.notes == "说明<del>甲</del><ins>乙</ins>"


class _Rev:
    def __init__(self, number):
        self.number = number


def test_pick_pair_defaults_to_the_last_correction_and_refuses_nonsense():
    revisions = [_Rev(1), _Rev(2), _Rev(3)]
    assert [r.number for r in pick_pair(revisions, None, None)] == [2, 3]
    assert [r.number for r in pick_pair(revisions, 1, 3)] == [1, 3]
    assert pick_pair(revisions, 3, 2) is None and pick_pair(revisions, 1, 4) is None
    assert pick_pair(revisions[:1], None, None) is None
