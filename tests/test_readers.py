"""Readers: real reports as users download them (HTML pages, GBK pages, Word files, PDFs).

Fixtures in ``tests/data`` are copies from the shared corpus: three report texts
(39 武强县商务局 2022, 43 徐闻县某局, 45 衡东县杨林镇 2023), the 2021 template .docx and
淮安市人民政府 2024 as published (a PDF with a text layer and ruled tables).  HTML and DOCX
files are built here from those texts; a few synthetic PDFs use a built-in CJK font.
"""

from __future__ import annotations

import html
import re
import sys
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp_extract.errors import InputError
from nlp_extract.readers import Document, _join_pieces, _office_convert, _split_row, read_document

from .conftest import benchmark_module

DATA = Path(__file__).resolve().parent / "data"
PDF = DATA / "huaian_city_2024.pdf"
TEMPLATE = DATA / "template-2021.docx"


def report(name: str) -> list[str]:
    """A corpus report's lines (the files are cut mid-sentence: the last line is dropped)."""
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    return [ln for ln in lines[:-1] if ln.strip()][:-1]


def narrative(lines: Sequence[str]) -> list[str]:
    return [ln for ln in lines if "|" not in ln]


def write(path: Path, data: bytes | str) -> Path:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def out_lines(doc: Document) -> list[str]:
    return doc.text.split("\n")


# ----------------------------------------------------------------------------- HTML

R39 = report("39_wuqiang_commerce_bureau_2022.txt")
R43 = report("43_xuwen_bureau_2021format.txt")
R45 = report("45_yanglin_town_hengdong_2023.txt")
TITLE39 = "武强县商务局2022年度政府信息公开工作报告"


def html_rows(rows: Sequence[str], width: int) -> str:
    """Pipe rows of a corpus table as HTML: a lone label spans the row, the last cell fills it."""
    out = []
    for row in rows:
        cells = [c.strip() for c in row.split("|") if c.strip()]
        tds = [f"<td>{html.escape(c)}</td>" for c in cells[:-1]]
        tds.append(f'<td colspan="{width - len(cells) + 1}">{html.escape(cells[-1])}</td>')
        out.append("<tr>" + "".join(tds) + "</tr>")
    return "\n".join(out)


def cms_page(body: str, *, title: str, charset: str = "utf-8", crumbs: Sequence[str] = ("首页", "政务公开")) -> str:
    links = "".join(f'<li><a href="/{i}">{c}</a></li>' for i, c in enumerate(crumbs))
    return f"""<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>{title}_县人民政府</title>
<script>document.write("<p>SCRIPT_NOISE</p>");</script><style>p {{ text-indent: 2em }}</style></head>
<body>
<div class="header"><ul class="nav">{links}</ul><div class="search"><input value="搜索"></div></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>
<div class="container"><div class="sidebar"><h3>相关链接</h3><ul><li><a href="/x">往年年度报告</a></li></ul></div>
<div class="article">
<h1 class="article-title">{title}</h1>
<div class="info"><span>来源：县政府办</span>&nbsp;&nbsp;<span>发布时间：2023-01-20</span></div>
<div class="TRS_Editor">
{body}
<div class="bdsharebuttonbox">分享到：<a>微信</a><a>微博</a></div>
</div></div></div>
<div class="footer"><p>主办单位：县人民政府办公室 版权所有 ICP备12345678号</p></div>
</body></html>"""


def paragraphs(lines: Sequence[str]) -> str:
    """Narrative as Word-exported HTML would have it: indented with &nbsp;, wrapped mid-sentence."""
    out = []
    for ln in lines:
        wrapped = ln if len(ln) < 40 else ln[:37] + "\r\n" + ln[37:]
        tag = "h3" if len(ln) < 20 and ln[1] == "、" else "p"
        out.append(f"<{tag}>&nbsp;&nbsp;&nbsp;&nbsp;<span>{html.escape(wrapped)}</span></{tag}>")
    return "\n".join(out)


def test_html_page_keeps_report_drops_chrome(tmp_path):
    table_rows = [ln for ln in R39 if "|" in ln]
    cut = R39.index("二、主动公开政府信息情况") + 1
    table = f'<table border="1">{html_rows(table_rows, 4)}</table>'
    body = "\n".join([paragraphs(R39[:cut]), table, paragraphs(narrative(R39[cut:]))])
    doc = read_document(write(tmp_path / "report.html", cms_page(body, title=TITLE39)))
    assert (doc.format, doc.encoding) == ("html", "utf-8")
    lines = out_lines(doc)
    assert lines[:2] == [TITLE39, "来源：县政府办 发布时间：2023-01-20"]  # title bar above the container
    text_lines = [ln for ln in lines[2:] if ln and "|" not in ln]
    assert text_lines == narrative(R39)  # paragraphs whole, in order, mid-sentence wraps undone
    for noise in ("SCRIPT_NOISE", "当前位置", "相关链接", "往年年度报告", "分享到", "版权所有", "搜索", "首页"):
        assert noise not in doc.text
    rows = [ln for ln in lines if "|" in ln]
    assert rows[:4] == [
        " | ".join(["第二十条第(一)项"] * 4),
        "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数",
        "规章 | 0 | 0 | 0",
        "规范性文件 | 0 | 0 | 0",
    ]
    assert "信息内容 | 本年处理决定数量 | 本年处理决定数量 | 本年处理决定数量" in rows
    assert "行政事业性收费 | 0 | 0 | 0" in rows
    # the table sits between its section heading and the next one
    assert (
        lines.index("二、主动公开政府信息情况")
        < lines.index(rows[0])
        < lines.index("三、收到和处理政府信息公开的申请情况")
    )


TABLE3_HEAD = """
<tr><td rowspan="3" colspan="3">(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)</td>
    <td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业<br>企业</td><td>科研<br>机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
"""


def test_html_table_rowspan_colspan_expanded(tmp_path):
    """Table 3 of the 2021 template with report 43's figures: merged cells fill every slot they cover."""
    nums = {ln.split("|")[0].strip() or ln.split("|")[1].strip(): ln.rstrip(" |").split("|")[-1].strip() for ln in R43}
    new, carried = nums["一、本年新收政府信息公开申请数量"], nums["二、上年结转政府信息公开申请数量"]
    blanks = "<td></td>" * 6
    rows = [
        f'<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>0</td>{blanks[9:]}<td>{new}</td></tr>',
        f'<tr><td colspan="3">二、上年结转政府信息公开申请数量</td>{blanks}<td>{carried}</td></tr>',
        f'<tr><td rowspan="4">三、本年度办理结果</td><td colspan="2">(一)予以公开</td>{blanks}<td>0</td></tr>',
        f'<tr><td colspan="2">(二)部分公开(区分处理的,只计这一情形,不计其他情形)</td>{blanks}<td>0</td></tr>',
        f'<tr><td rowspan="2">(三)不予公开</td><td>1.属于国家秘密</td>{blanks}<td>0</td></tr>',
        f"<tr><td>2.其他法律行政法规禁止公开</td>{blanks}<td>0</td></tr>",
    ]
    page = cms_page(
        paragraphs(narrative(R43)) + f"<table>{TABLE3_HEAD}{''.join(rows)}</table>",
        title="徐闻县司法局政府信息公开工作年度报告",
    )
    lines = out_lines(read_document(write(tmp_path / "r43.htm", page)))
    note = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
    e = [""] * 6
    expected = [
        [note] * 3 + ["申请人情况"] * 7,
        [note] * 3 + ["自然人"] + ["法人或其他组织"] * 5 + ["总计"],
        [note] * 3 + ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
        ["一、本年新收政府信息公开申请数量"] * 3 + ["0", "", "", "", "", "", "0"],
        ["二、上年结转政府信息公开申请数量"] * 3 + [*e, "0"],
        ["三、本年度办理结果", "(一)予以公开", "(一)予以公开", *e, "0"],
        ["三、本年度办理结果"] + ["(二)部分公开(区分处理的,只计这一情形,不计其他情形)"] * 2 + [*e, "0"],
        ["三、本年度办理结果", "(三)不予公开", "1.属于国家秘密", *e, "0"],
        ["三、本年度办理结果", "(三)不予公开", "2.其他法律行政法规禁止公开", *e, "0"],
    ]
    assert [ln for ln in lines if "|" in ln] == [" | ".join(r) for r in expected]
    assert [ln.split(" | ") for ln in lines if "|" in ln] == expected  # the grid round-trips
    assert [ln for ln in lines if ln and "|" not in ln][-len(narrative(R43)) :] == narrative(R43)


def test_gbk_page_with_declared_charset(tmp_path):
    """Report 45 as its site serves it: GBK bytes, <meta charset="gbk">, breadcrumbs around it."""
    crumbs = [c.lstrip("> ") for c in R45[1:5]]
    head, title, body = R45[:6], R45[6], R45[7 : R45.index("二、主动公开政府信息情况") + 1]
    page = cms_page(f'<div id="zoom">{paragraphs(body)}</div>', title=title, charset="gbk", crumbs=crumbs)
    page = page.replace("来源：县政府办", head[5].split(" ")[0]).replace("发布时间：2023-01-20", head[5].split(" ")[1])
    data = page.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = read_document(write(tmp_path / "yanglin.html", data))
    assert (doc.format, doc.encoding) == ("html", "gb18030")
    assert out_lines(doc)[:-1] == [title, head[5], *body]
    assert "乡镇信息公开年度报告" not in doc.text and "当前位置" not in doc.text


def test_gb2312_declaration_reads_gbk_only_characters(tmp_path):
    """Pages declaring gb2312 use GBK characters (镕, 堃 are not in GB2312): decoded as GB18030."""
    text = "朱镕基同志、王堃同志出席。" + R45[10]
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
        f'<body><div class="xxgk_content"><p>{text}</p></div></body></html>'
    )
    doc = read_document(write(tmp_path / "p.htm", page.encode("gbk")))
    assert doc.encoding == "gb18030"
    assert out_lines(doc)[:-1] == [text]


def test_wrong_declaration_falls_back_to_sniffing(tmp_path):
    page = f'<html><head><meta charset="utf-8"></head><body><div id="content"><p>{R45[10]}</p></div></body></html>'
    doc = read_document(write(tmp_path / "p.html", page.encode("gb18030")))
    assert doc.encoding == "gb18030"
    assert R45[10] in doc.text


def test_page_saved_as_txt_and_xhtml_declaration(tmp_path):
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{TITLE39}</title></head>'
        f'<body><div class="article-content"><p>{R39[0]}</p><p>{R39[1]}</p></div></body></html>'
    )
    doc = read_document(write(tmp_path / "downloaded.txt", page))
    assert doc.format == "html"
    assert out_lines(doc)[:-1] == [TITLE39, R39[0], R39[1]]  # title from <title> (site name cut off)


def test_layout_table_and_densest_block_fallback(tmp_path):
    """Old table-layout pages with no known container: the densest block, read as paragraphs."""
    data_table = html_rows([ln for ln in R43 if "|" in ln][:4], 4)
    page = f"""<html><body>
<table width="980"><tr><td class="left"><a href="/1">机构概况</a><br><a href="/2">政策文件</a><br>
<a href="/3">政府信息公开年报</a></td>
<td class="main"><font size="3">{"<br>".join(narrative(R43)[:3])}</font>
<table border="1">{data_table}</table></td></tr></table>
<p>地址：XX路1号 电话：0759-0000000</p></body></html>"""
    lines = out_lines(read_document(write(tmp_path / "old.html", page)))
    assert lines[:3] == narrative(R43)[:3]
    assert lines[3:7] == [
        " | ".join(["第二十条第(一)项"] * 4),
        "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数",
        "规章 | 0 | 0 | 0",
        "行政规范性文件 | 3 | 0 | 101",
    ]
    assert "机构概况" not in "\n".join(lines) and "电话" not in "\n".join(lines)


# ----------------------------------------------------------------------------- DOCX


def test_docx_paragraphs_and_tables_in_document_order(tmp_path):
    """Report 43 as a Word attachment: headings, paragraphs, a merged-cell table, text after it."""
    d = docx.Document()
    d.add_heading("徐闻县司法局2021年政府信息公开工作年度报告", level=1)
    for ln in narrative(R43):
        d.add_paragraph(ln)
    rows = [[c.strip() for c in ln.split("|")[:-1]] for ln in R43 if "|" in ln][:8]
    table = d.add_table(rows=len(rows), cols=4)
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            table.cell(r, c).text = value
    table.cell(0, 0).merge(table.cell(0, 3))  # 第二十条第(一)项 across the table
    table.cell(4, 0).merge(table.cell(4, 3))  # 第二十条第(五)项
    table.cell(5, 1).merge(table.cell(5, 3))  # 本年处理决定数量
    table.cell(6, 1).merge(table.cell(6, 3))
    table.cell(6, 1).text = "0"
    table.cell(2, 3).merge(table.cell(3, 3))  # a vertical merge: 现行有效件数 0 / 101 -> one cell
    table.cell(2, 3).text = "101"
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    path = tmp_path / "r43.docx"
    d.save(str(path))

    doc = read_document(path)
    assert (doc.format, doc.encoding) == ("docx", "utf-8")
    lines = out_lines(doc)
    assert lines[0] == "徐闻县司法局2021年政府信息公开工作年度报告"
    assert lines[1 : 1 + len(narrative(R43))] == narrative(R43)
    assert lines[1 + len(narrative(R43)) :] == [
        " | ".join(["第二十条第(一)项"] * 4),
        "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数",
        "规章 | 0 | 0 | 101",
        "行政规范性文件 | 3 | 0 | 101",
        " | ".join(["第二十条第(五)项"] * 4),
        "信息内容 | 本年处理决定数量 | 本年处理决定数量 | 本年处理决定数量",
        "行政许可 | 0 | 0 | 0",
        "第二十条第(六)项 |  |  | ",  # empty cells stay as empty strings between the bars
        "三、收到和处理政府信息公开申请情况",
        "",
    ]


def test_docx_grid_from_the_table_xml(tmp_path: Path) -> None:
    """Rows in content controls, a cell merged down with nothing above, a row starting late: read as Word shows them."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    document = docx.Document(str(TEMPLATE))
    plain = out_lines(read_document(TEMPLATE))
    tbl = document.tables[1]._tbl  # table 3: vMerge down its label columns, gridSpan across
    rows = tbl.findall(qn("w:tr"))
    row = rows[10]  # 三、本年度办理结果 | （三）不予公开 | 4.保护第三方合法权益: two cells continue merges
    sdt = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent/></w:sdt>")
    row.addprevious(sdt)
    sdt.find(qn("w:sdtContent")).append(row)  # the row now sits in a content control
    path = tmp_path / "sdt.docx"
    document.save(str(path))
    assert out_lines(read_document(path)) == plain  # python-docx's rows skip it; Word shows it

    head = document.tables[2]._tbl.find(qn("w:tr")).find(qn("w:tc"))  # table 4: 行政复议 across five columns
    head.get_or_add_tcPr().append(parse_xml(f'<w:vMerge {nsdecls("w")} w:val="continue"/>'))  # nothing above it
    path = tmp_path / "broken.docx"
    document.save(str(path))
    lines = out_lines(read_document(path))
    first_row = lines[lines.index("四、政府信息公开行政复议、行政诉讼情况") + 1]
    assert first_row.split(" | ") == [*[""] * 5, *["行政诉讼"] * 10]
    assert [ln for ln in lines if "诉讼" not in ln] == [ln for ln in plain if "诉讼" not in ln]  # the rest as before


def test_template_docx_merged_grid():
    """The 2021 template as published: vertical and horizontal merges expanded, order kept."""
    lines = out_lines(read_document(TEMPLATE))
    assert lines[:4] == ["政府信息公开工作年度报告格式模板", "一、总体情况", "（文字描述）", "二、主动公开政府信息情况"]
    grid = [ln.split(" | ") for ln in lines if "|" in ln]
    assert {len(r) for r in grid} == {4, 10, 15}
    e = [""] * 7
    assert ["三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作", *e] in grid
    assert ["三、本年度办理结果", "（七）总计", "（七）总计", *e] in grid
    # 结果\n纠正 -> 结果纠正; the first five header cells merge down two rows; the all-empty data row is dropped
    assert grid[-2] == [
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
        *["未经复议直接起诉"] * 5,
        *["复议后起诉"] * 5,
    ]
    assert grid[-1] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    assert lines.index(" | ".join(grid[-1])) + 1 == lines.index("五、存在的主要问题及改进情况")
    sections = [ln for ln in lines if re.match("^[一二三四五六]、", ln) and "|" not in ln]
    assert sections == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]


def test_docx_tracked_insertions_kept_deletions_dropped(tmp_path):
    d = docx.Document()
    p = d.add_paragraph(R39[1])
    for tag, text in (("w:ins", "（修订新增）"), ("w:del", "已删除")):
        wrapper, run, t = OxmlElement(tag), OxmlElement("w:r"), OxmlElement("w:delText" if tag == "w:del" else "w:t")
        wrapper.set(qn("w:id"), "1")
        wrapper.set(qn("w:author"), "a")
        t.text = text
        run.append(t)
        wrapper.append(run)
        p._p.append(wrapper)
    d.add_paragraph("\u3000\u3000行政许可\t0\t0\n（单位：件）")  # indent, tab-aligned cells, a soft line break
    d.save(str(tmp_path / "t.docx"))
    assert out_lines(read_document(tmp_path / "t.docx")) == [
        R39[1] + "（修订新增）",
        "行政许可\t0\t0",
        "（单位：件）",
        "",
    ]


# ----------------------------------------------------------------------------- PDF


def test_pdf_reading_order_tables_and_chrome():
    doc = read_document(PDF)
    assert (doc.format, doc.encoding) == ("pdf", "unicode")
    lines = out_lines(doc)
    assert lines[:3] == ["淮安市人民政府", "2024年政府信息公开工作年度报告", lines[2]]
    assert lines[2].startswith("本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》（国令第711号）")
    assert lines[2].endswith("至2024年12月31日。")  # four wrapped lines joined into one paragraph
    # sections in order, each heading on its own line
    heads = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]
    heads += ["四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert [lines.index(h) for h in heads] == sorted(lines.index(h) for h in heads)
    # a paragraph that starts with （一） and runs across a page break is one line
    first = next(ln for ln in lines if ln.startswith("（一）主动公开情况。"))
    assert "“建设‘四最’一流营商环境高质量推进产业发展”" in first and first.endswith("回应舆论关切。")
    # page numbers (- 1 - … - 6 -) are gone
    assert not [ln for ln in lines if re.fullmatch(r"-\s*\d+\s*-", ln)]
    rows = [ln for ln in lines if " | " in ln]
    assert "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数" in rows
    assert "规章 | 1 | 0 | 11" in rows
    assert "行政规范性文件 | 8 | 26 | 66" in rows
    assert "一、本年新收政府信息公开申请数量 | " * 3 + "3001 | 53 | 0 | 0 | 61 | 4 | 3119" in rows
    # a merged cell split by the page break ("（四）无" | "法提供") is whole again on both pages
    assert "三、本年度办理结果 | （四）无法提供 | 1.本机关不掌握相关政府信息 | 746 | 12 | 0 | 0 | 10 | 1 | 769" in rows
    assert "三、本年度办理结果 | （四）无法提供 | 2.没有现成信息需要另行制作 | 11 | 0 | 0 | 0 | 0 | 0 | 11" in rows
    assert "72 | 64 | 178 | 37 | 351 | 13 | 4 | 8 | 1 | 26 | 12 | 1 | 1 | 6 | 20" in rows
    # table rows sit under their section, in place of the table's text
    assert heads[1] in lines[lines.index("规章 | 1 | 0 | 11") - 4 : lines.index("规章 | 1 | 0 | 11")]
    assert lines.index(heads[3]) < lines.index(rows[-1]) < lines.index(heads[4])
    assert "信息内容 本年制发件数" not in doc.text  # the table's text is not repeated as prose


def make_pdf(
    pages: Sequence[tuple[Sequence[tuple[float, float, float, str]], Sequence[tuple[float, ...]]]],
    cmap: bytes = b"/UniGB-UCS2-H",
    ordering: bytes = b"(GB1) /Supplement 2",
) -> bytes:
    """A minimal PDF: text (x, top, size, text) in the built-in STSong-Light CJK font, ruled boxes.

    With ``cmap=b"/Identity-H"`` and ``ordering=b"(Identity) /Supplement 0"`` the text layer has
    glyph ids only, as in PDFs whose embedded fonts lack a Unicode map.
    """
    document: bytes = benchmark_module("fuzz").pdf_document(pages, cmap, ordering)
    return document


def wrap(text: str, x: float, top: float, size: float = 16, width: int = 28) -> list[tuple[float, float, float, str]]:
    """A paragraph hard-wrapped as Word sets it: 2-character first-line indent, full lines to the margin."""
    chunks = [text[: width - 2]] + [text[i : i + width] for i in range(width - 2, len(text), width)]
    assert not any(c.endswith(("。", "：", "；")) for c in chunks[:-1]), "choose a wrap that does not end sentences"
    return [(x + (2 * size if k == 0 else 0), top + k * 28, size, c) for k, c in enumerate(chunks)]


def test_pdf_headers_footers_wraps_and_ruled_table(tmp_path):
    """Three pages: repeated header, page numbers in three styles, wraps across a page break."""
    header = (72.0, 40.0, 10.0, "武强县商务局政务公开办公室")
    para1, para2 = R39[0], R43[2]
    p1 = wrap(para1, 72, 150)
    cut = 4  # the paragraph runs on to page 2
    page1 = [
        header,
        (150.0, 90.0, 18.0, TITLE39),
        (72.0, 120.0, 16.0, R39[1]),
        *p1[:cut],
        (290.0, 800.0, 12.0, "- 1 -"),
    ]
    page2_text = [(x, top - p1[cut][1] + 120, s, t) for x, top, s, t in p1[cut:]]
    table_top = 300.0
    cols, rows = [72.0, 222.0, 322.0, 422.0, 522.0], ["第二十条第（一）项", "信息内容", "规章", "行政规范性文件"]
    cells = [["本年制发件数", "本年废止件数", "现行有效件数"], ["0", "0", "0"], ["3", "0", "101"]]
    boxes: list[tuple[float, ...]] = [(72.0, table_top, 522.0, table_top + 30)]
    table_text = [(80.0, table_top + 8, 12.0, rows[0])]
    for r in range(1, 4):
        top = table_top + 30 * r
        boxes += [(cols[c], top, cols[c + 1], top + 30) for c in range(4)]
        table_text.append((80.0, top + 8, 12.0, rows[r]))
        table_text += [(cols[c + 1] + 6, top + 8, 12.0, cells[r - 1][c]) for c in range(3)]
    page2 = [header, *page2_text, (72.0, 270.0, 16.0, R39[5]), *table_text, (290.0, 800.0, 12.0, "-2-")]
    p3 = wrap(para2, 72, 100)
    page3 = [
        header,
        *p3,
        (72.0, 100 + 28 * len(p3), 16.0, "三、收到和处理政府信息公开申请情况"),
        (280.0, 800.0, 12.0, "第3页"),
    ]
    path = write(tmp_path / "synthetic.pdf", make_pdf([(page1, []), (page2, boxes), (page3, [])]))

    lines = out_lines(read_document(path))
    assert lines == [
        TITLE39,
        R39[1],
        para1,  # joined across the page break, page number and header in between dropped
        R39[5],
        " | ".join(["第二十条第（一）项"] * 4),
        "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数",
        "规章 | 0 | 0 | 0",
        "行政规范性文件 | 3 | 0 | 101",
        para2,  # the last line of the paragraph fills the line but the heading below is not joined
        "三、收到和处理政府信息公开申请情况",
        "",
    ]


def _ruled_rows(rows: Sequence[Sequence[Sequence[str]]], top: float, height: float = 40.0):  # type: ignore[no-untyped-def]
    """Boxes and text of a two-column ruled table: each cell is the lines of text stacked in it."""
    cols = [72.0, 300.0, 360.0]
    boxes: list[tuple[float, ...]] = []
    text: list[tuple[float, float, float, str]] = []
    for r, row in enumerate(rows):
        y = top + height * r
        boxes += [(cols[c], y, cols[c + 1], y + height) for c in range(2)]
        for c, lines in enumerate(row):
            text += [(cols[c] + 4, y + 4 + 14 * k, 11.0, line) for k, line in enumerate(lines)]
    return boxes, text


def test_pdf_number_broken_by_a_narrow_cell_is_one_number(tmp_path):
    """A figure wider than its column wraps inside the cell (``19`` / ``13`` / ``9``): it reads as 19139."""
    boxes, text = _ruled_rows(
        [[["项目"], ["数量"]], [["本年新收政府信息公开申请数量"], ["19", "13", "9"]], [["办结"], ["1,2", "04"]]], 100.0
    )
    path = write(tmp_path / "narrow.pdf", make_pdf([(text, boxes)]))
    assert out_lines(read_document(path))[:3] == ["项目 | 数量", "本年新收政府信息公开申请数量 | 19139", "办结 | 1,204"]


def test_pdf_rows_on_both_sides_of_a_page_break_stay_apart_when_each_has_its_figure(tmp_path):
    """A row cut by the page break continues on the next page; a row with a figure (or ``/``) in the
    column where the row above has one is a row of its own, however its label reads."""
    top1, text1 = _ruled_rows(
        [[["主动公开规范性文件数"], ["12"]], [["主动公开政府部门预算执行审计结果等信息数"], ["2048"]]], 650.0
    )
    top2, text2 = _ruled_rows(
        [[["主动公开行政机关对公共企事业单位", "进行监督管理的信息数"], ["/"]], [["其他"], ["5"]]], 60.0
    )
    path = write(tmp_path / "break.pdf", make_pdf([(text1, top1), (text2, top2)]))
    lines = out_lines(read_document(path))
    assert "主动公开政府部门预算执行审计结果等信息数 | 2048" in lines
    assert "主动公开行政机关对公共企事业单位进行监督管理的信息数 | /" in lines


@given(
    st.one_of(
        st.integers(10, 10**7).map(str),
        st.integers(1000, 10**7).map("{:,}".format),
        st.decimals(min_value=1, max_value=10**5, places=2, allow_nan=False).map(str),
    ),
    st.data(),
)
@settings(max_examples=200, deadline=None)
def test_a_figure_broken_anywhere_in_a_cell_is_joined_again(number: str, data: st.DataObject) -> None:
    """Whatever digit, comma or point a narrow column breaks a figure at, the cell reads as the figure."""
    cut = data.draw(st.integers(1, len(number) - 1))
    assert _join_pieces([number[:cut], number[cut:]], cell=True) == number
    assert _join_pieces(["见附件", number[:cut], number[cut:] + "件"], cell=True) == "见附件" + number + "件"
    assert _join_pieces(["Open", "data"], cell=True) == "Open data"  # words still get their space


@pytest.mark.parametrize("figure", ["2048", "1,204", "96171.6", "251000元", "4万元", "12%", "/", "—", "无", "不适用"])
def test_rows_with_figures_on_both_sides_of_a_page_break_are_two_rows(figure: str) -> None:
    assert not _split_row(["主动公开审计结果等信息数", "条", figure], ["主动公开其他信息数", "条", "5件"])
    assert _split_row(["主动公开环境核查审批、环", "条", figure], ["境状况公报等信息数", "", ""])


# ----------------------------------------------------------------------------- bad input


def test_image_only_pdf_needs_ocr(tmp_path):
    path = write(tmp_path / "scan.pdf", make_pdf([([], [(50.0, 50.0, 545.0, 792.0)])] * 2))
    with pytest.raises(InputError, match="has no text layer; it needs OCR"):
        read_document(path)


def test_pdf_without_unicode_map_needs_ocr(tmp_path):
    page = ([(72.0, 100.0 + 30 * k, 16.0, ln[:28]) for k, ln in enumerate(R39[:5])], [])
    path = write(tmp_path / "cid.pdf", make_pdf([page], cmap=b"/Identity-H", ordering=b"(Identity) /Supplement 0"))
    with pytest.raises(InputError, match=r"text layer cannot be decoded .* it needs OCR"):
        read_document(path)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n" + bytes(range(256)) * 4, "cannot read this PDF"),
        ("broken.docx", b"PK\x03\x04" + b"\x00garbage" * 100, "corrupt .docx"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image, not a text document; it needs OCR"),
        ("binary.txt", bytes(range(256)) * 10, "binary file"),
    ],
)
def test_corrupt_files_raise_input_error(tmp_path, name, data, message):
    with pytest.raises(InputError, match=message) as err:
        read_document(write(tmp_path / name, data))
    assert "\n" not in str(err.value) and str(tmp_path / name) in str(err.value)


def test_not_a_word_zip_and_zip_bomb(tmp_path):
    with zipfile.ZipFile(tmp_path / "sheet.docx", "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InputError, match="spreadsheet or presentation"):
        read_document(tmp_path / "sheet.docx")
    with zipfile.ZipFile(tmp_path / "bomb.docx", "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\x00" * 5_000_000)
    assert (tmp_path / "bomb.docx").stat().st_size < 100_000
    with pytest.raises(InputError, match="zip bomb"):
        read_document(tmp_path / "bomb.docx", max_bytes=1_000_000)


def test_missing_directory_empty_and_too_large(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "nope.html")
    with pytest.raises(InputError, match="is a directory"):
        read_document(tmp_path)
    with pytest.raises(InputError, match="is empty"):
        read_document(write(tmp_path / "empty.pdf", b" \n"))
    with pytest.raises(InputError, match="over the 100-byte limit"):
        read_document(DATA / "39_wuqiang_commerce_bureau_2022.txt", max_bytes=100)


def test_plain_text_goes_through_decode(tmp_path):
    raw = (DATA / "45_yanglin_town_hengdong_2023.txt").read_text(encoding="utf-8")
    doc = read_document(write(tmp_path / "r.txt", raw.encode("gb18030")))
    assert doc == Document(raw, "gb18030", "txt")


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def test_legacy_doc_without_libreoffice_says_how_to_convert(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(InputError, match=r"convert to \.docx with LibreOffice: soffice --headless --convert-to docx"):
        read_document(write(tmp_path / "report.doc", OLE))


def fake_office(tmp_path: Path, body: str) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / "soffice"
    script.write_text(f"#!{sys.executable}\nimport pathlib, shutil, sys, time\nargs = sys.argv[1:]\n{body}\n")
    script.chmod(0o755)
    return script


def test_legacy_doc_converted_when_libreoffice_is_installed(tmp_path, monkeypatch):
    fake_office(
        tmp_path,
        "out = pathlib.Path(args[args.index('--outdir') + 1]); out.mkdir(parents=True, exist_ok=True)\n"
        f"shutil.copy({str(TEMPLATE)!r}, out / (pathlib.Path(args[-1]).stem + '.docx'))",
    )
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    doc = read_document(write(tmp_path / "report.doc", OLE))
    assert doc.format == "doc"
    assert doc.text == read_document(TEMPLATE).text


def test_libreoffice_failure_and_timeout_are_input_errors(tmp_path):
    broken = fake_office(tmp_path, "sys.stderr.write('Error: source file could not be loaded\\n'); sys.exit(1)")
    with pytest.raises(InputError, match=r"could not convert the file to \.docx: Error: source file could not"):
        _office_convert(OLE, "r.doc", str(broken), ".doc")
    slow = fake_office(tmp_path, "time.sleep(30)")
    start = time.perf_counter()
    with pytest.raises(InputError, match="did not convert the file within 1 s"):
        _office_convert(OLE, "r.doc", str(slow), ".doc", timeout=1)
    assert time.perf_counter() - start < 10
