"""Robustness: arbitrary text never breaks the pipeline; a batch of bad inputs and seeds is tagged,
written, resumed and exported as SCHEMA.md says; the Dask engine gives the same records."""

from __future__ import annotations

import json
import random
import shutil
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from ogi.batch import TagOptions, partial_path, run_tag  # noqa: E402
from ogi.pipeline import process  # noqa: E402
from ogi.readers.text import document_from_text  # noqa: E402
from ogi.taggers.rules import RuleTagger  # noqa: E402

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
BAD_FIXTURES = ROOT / "tests" / "fixtures" / "bad"
STATUSES = {"success", "partial", "failed"}
RECORD_KEYS = {"id", "path", "status", "errors", "template", "year", "sections", "cells", "checks", "model"}

# ---------------------------------------------------------------------------------------------
# Property: any text through the pipeline
# ---------------------------------------------------------------------------------------------

_ALPHABET = st.one_of(
    st.sampled_from(list("一二三四五六七八九十、（）()|｜ \t\n\r?？0123456789０１２３４５６７８９.-/—总计自然人商业企业本年新收予以公开行政复议结果维持")),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0, max_codepoint=0x1F),  # control characters
    st.characters(),  # anything, surrogates excluded by default
)
_LINES = st.lists(
    st.one_of(
        st.text(_ALPHABET, max_size=60),
        st.sampled_from(["一、总体情况", "三、收到和处理政府信息公开申请情况", "（七）总计 | 3 | 0 | 0 | 0 | 0 | 0 | 3",
                         "自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计", "行政复议", "| | |", "?"]),
    ),
    max_size=40,
)

_TAGGER = RuleTagger()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(_ALPHABET, max_size=400), _LINES.map("\n".join)))
def test_any_text_gives_a_record(text: str) -> None:
    from ogi.pipeline import to_record

    doc = process(document_from_text(text, "x.txt", "x"), _TAGGER)
    assert doc.status in STATUSES
    rec = to_record(doc, _TAGGER.describe())
    assert RECORD_KEYS <= set(rec)
    json.dumps(rec, ensure_ascii=False)  # serialisable
    if rec["status"] == "failed":
        assert rec["errors"]


# ---------------------------------------------------------------------------------------------
# The batch
# ---------------------------------------------------------------------------------------------

def _random_prose(path: Path, size: int, seed: int = 7) -> None:
    """~``size`` bytes of random Chinese prose: no headings, no tables."""
    rng = random.Random(seed)
    common = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可也你能而子那得着下自之年过发后里道行所然家种事方多经么去法学如都同现当没动面起看定天还进好小部其些主样理心她本前开但因只从想实日者意无力它与长把机民第公此已工使情明性知全又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须增研写称企功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞努休虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵"
    parts: list[str] = []
    n = 0
    while n < size:
        sentence = "".join(rng.choices(common, k=rng.randint(20, 120))) + "。\n"
        parts.append(sentence)
        n += len(sentence.encode("utf-8"))
    path.write_text("".join(parts), encoding="utf-8")


def _make_bad(folder: Path) -> dict[str, str]:
    """Bad inputs in ``folder``: name -> a word the failed record's reason must contain."""
    expect: dict[str, str] = {}
    have = {p.name: p for p in BAD_FIXTURES.glob("*")} if BAD_FIXTURES.is_dir() else {}

    def put(name: str, data: bytes | None, fixture: str | None, reason: str) -> None:
        if fixture and fixture in have:
            shutil.copyfile(have[fixture], folder / name)
        elif data is not None:
            (folder / name).write_bytes(data)
        else:
            return
        expect[name] = reason

    put("empty.txt", b"", "empty.txt", "empty")
    # .bin is not a report suffix (a folder scan skips it): the binary fixture goes in as .txt
    put("binary.txt", bytes(range(256)) * 8, "binary.bin", "binary")
    put("undecodable.txt", b"\x81\x30\xff\xfe\xfd abc \xff\xff", "undecodable.txt", "undecodable")
    put("not_a_report.txt", "本报讯 近日，市气象台发布消息称，本周末全市将迎来明显降温。\n".encode(), "not_a_report.txt",
        "no report structure")
    put("corrupt.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 4, "corrupt.pdf", "pdf")
    put("corrupt.docx", b"PK\x03\x04" + b"\x00garbage" * 100, "corrupt.docx", "docx")
    put("zipbomb.docx", None, "zipbomb.docx", "zip bomb")
    _random_prose(folder / "big_prose.txt", 20 * 1024 * 1024)
    expect["big_prose.txt"] = "too long"  # refused before tagging (MAX_TEXT_CHARS)
    return expect


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("batch")
    inputs = folder / "in"
    inputs.mkdir()
    for s in SEEDS:
        shutil.copyfile(s, inputs / s.name)
    expect = _make_bad(inputs)
    # malformed HTML: the reader recovers what it can; it must give a record, whatever its status
    if (BAD_FIXTURES / "malformed.html").is_file():
        shutil.copyfile(BAD_FIXTURES / "malformed.html", inputs / "malformed.html")
    else:
        (inputs / "malformed.html").write_text("<html><body><p>二、主动公开<table><tr><td>规章<td>3</table><b>", encoding="utf-8")
    return inputs, expect


def _app():  # noqa: ANN202
    from ogi.cli.main import app

    return app


def _records(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def tagged(batch_dir: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory):
    inputs, expect = batch_dir
    out = tmp_path_factory.mktemp("out") / "out.jsonl"
    t0 = time.perf_counter()
    result = CliRunner().invoke(_app(), ["tag", str(inputs), "--out", str(out), "--model", "rules", "--no-progress"])
    elapsed = time.perf_counter() - t0
    return inputs, expect, out, result, elapsed


@pytest.mark.slow
def test_batch_tags_seeds_and_fails_bad_inputs(tagged) -> None:
    inputs, expect, out, result, elapsed = tagged
    assert result.exit_code == 1, result.output
    assert not partial_path(out).exists()  # the checkpoint became the output
    recs = _records(out)
    n_inputs = len([p for p in inputs.iterdir() if p.is_file()])
    assert len(recs) == n_inputs
    for rec in recs:
        assert RECORD_KEYS <= set(rec)
        assert rec["status"] in STATUSES
    by_name = {Path(r["path"]).name: r for r in recs}
    assert len(by_name) == n_inputs
    # input order is the sorted folder order
    assert [Path(r["path"]).name for r in recs] == sorted(p.name for p in inputs.iterdir())
    for s in SEEDS:
        assert by_name[s.name]["status"] == "success", by_name[s.name]["errors"]
    for name, word in expect.items():
        rec = by_name[name]
        assert rec["status"] == "failed", (name, rec["status"])
        assert rec["errors"] and word.lower() in " ".join(rec["errors"]).lower(), (name, rec["errors"])
        assert rec["cells"] == {} and rec["template"] == "unknown"
    assert "FAILED" in result.output  # the summary names the failed reports
    assert elapsed < 120, f"batch with a 20 MB text took {elapsed:.1f}s"


@pytest.mark.slow
def test_resume_tags_nothing_new(tagged) -> None:
    inputs, _, out, _, _ = tagged
    before = out.read_text(encoding="utf-8")
    result = CliRunner().invoke(
        _app(), ["tag", str(inputs), "--out", str(out), "--model", "rules", "--resume", "--no-progress"]
    )
    assert result.exit_code == 1  # failed reports from the first run still count
    recs = _records(out)
    assert len(recs) == len(before.splitlines())
    assert len({r["path"] for r in recs}) == len(recs)
    assert out.read_text(encoding="utf-8") == before


def test_resume_picks_up_a_killed_run(tmp_path: Path) -> None:
    """A checkpoint left by a killed run (torn last line included) is kept; only the rest is tagged."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for s in SEEDS:
        shutil.copyfile(s, inputs / s.name)
    full = tmp_path / "full.jsonl"
    assert run_tag([str(inputs)], full, TagOptions(model="rules", progress=False)) == 0
    lines = full.read_text(encoding="utf-8").splitlines()
    out = tmp_path / "out.jsonl"
    # simulate a kill after two records and half of the third
    partial_path(out).write_text(lines[0] + "\n" + lines[1] + "\n" + lines[2][: len(lines[2]) // 2], encoding="utf-8")
    assert not out.exists()
    assert run_tag([str(inputs)], out, TagOptions(model="rules", resume=True, progress=False)) == 0
    recs = _records(out)
    assert [r["path"] for r in recs] == [json.loads(line)["path"] for line in lines]
    assert out.read_text(encoding="utf-8").splitlines() == lines
    assert not partial_path(out).exists()


def test_interrupted_run_keeps_finished_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception mid-run (Ctrl-C) leaves the output untouched and the finished records in the checkpoint."""
    import ogi.batch as batch

    inputs = tmp_path / "in"
    inputs.mkdir()
    for s in SEEDS:
        shutil.copyfile(s, inputs / s.name)
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "old", "path": "old.txt"}\n', encoding="utf-8")
    real = batch.Summary.add
    calls = {"n": 0}

    def flaky(self, rec, resumed: bool = False):  # noqa: ANN001, ANN202 - Ctrl-C after two records are written
        if not resumed:
            calls["n"] += 1
            if calls["n"] == 3:
                raise KeyboardInterrupt
        return real(self, rec, resumed)

    monkeypatch.setattr(batch.Summary, "add", flaky)
    with pytest.raises(KeyboardInterrupt):
        run_tag([str(inputs)], out, TagOptions(model="rules", progress=False))
    assert out.read_text(encoding="utf-8") == '{"id": "old", "path": "old.txt"}\n'
    assert len(partial_path(out).read_text(encoding="utf-8").splitlines()) == 3  # the third was written, not counted
    monkeypatch.setattr(batch.Summary, "add", real)
    assert run_tag([str(inputs)], out, TagOptions(model="rules", resume=True, progress=False)) == 0
    recs = _records(out)
    assert len(recs) == 1 + len(SEEDS)  # the old record, the three kept, the two tagged now


def test_jobs_2_same_records_in_input_order(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(4):
        for s in SEEDS:
            shutil.copyfile(s, inputs / f"{i}_{s.name}")
    (inputs / "empty.txt").write_bytes(b"")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run_tag([str(inputs)], one, TagOptions(model="rules", progress=False)) == 1
    assert run_tag([str(inputs)], two, TagOptions(model="rules", jobs=2, progress=False)) == 1
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")
    names = [Path(r["path"]).name for r in _records(two)]
    assert names == sorted(names)


def test_strict_stops_at_first_failure(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for s in SEEDS:
        shutil.copyfile(s, inputs / s.name)
    (inputs / "001_z_empty.txt").write_bytes(b"")  # sorts third
    out = tmp_path / "out.jsonl"
    assert run_tag([str(inputs)], out, TagOptions(model="rules", strict=True, progress=False)) == 1
    recs = _records(out)
    assert [r["status"] for r in recs] == ["success", "success", "failed"]


def test_csv_and_xlsx_export(tagged, tmp_path: Path) -> None:
    import openpyxl

    from ogi.export import write_csv, write_xlsx

    _, _, out, _, _ = tagged
    recs = _records(out)
    csv_path, xlsx_path = tmp_path / "out.csv", tmp_path / "out.xlsx"
    write_csv(recs, csv_path)
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    import csv as _csv

    rows = list(_csv.reader(raw.decode("utf-8-sig").splitlines()))
    header = rows[0]
    assert header[:8] == ["id", "path", "status", "template", "year", "n_sections", "n_failed_checks", "errors"]
    assert "t3.new_received.natural_person" in header
    assert "t2.art20_1.regulations.issued" in header and "t2.art20_9.procurement.items" in header
    assert len(rows) == 1 + len(recs)
    col = header.index("t3.new_received.natural_person")
    for rec, row in zip(recs, rows[1:], strict=True):
        cell = rec["cells"].get("t3.new_received.natural_person")
        assert row[col] == (str(cell["number"]) if cell and cell["number"] is not None else "")  # numbers, not text
    legacy = [h for h in header if h.startswith("legacy.")]
    assert legacy == sorted(legacy) and legacy  # seed 002 is a legacy report

    write_xlsx(recs, xlsx_path)
    wb = openpyxl.load_workbook(xlsx_path)
    assert {"reports", "t2", "t3", "t4", "legacy", "checks"} <= set(wb.sheetnames)
    assert wb["reports"].max_row == 1 + len(recs)
    n_checks = sum(len(r["checks"]) for r in recs)
    assert wb["checks"].max_row == 1 + n_checks
    t3_header = [c.value for c in wb["t3"][1]]
    assert t3_header == ["id", "row", "natural_person", "commercial", "research", "social_welfare",
                         "legal_service", "other_org", "total"]
    # failed checks are red in the checks sheet
    failed_rows = [row for row in wb["checks"].iter_rows(min_row=2) if row[2].value == "fail"]
    for row in failed_rows:
        assert row[1].fill.fgColor.rgb.endswith("FFC7CE")
    ok_rows = [row for row in wb["checks"].iter_rows(min_row=2) if row[2].value == "pass"]
    assert ok_rows and not ok_rows[0][1].fill.fgColor.rgb.endswith("FFC7CE")


def test_xlsx_highlights_cells_of_a_failed_check(tmp_path: Path) -> None:
    import openpyxl

    from ogi.export import write_csv, write_xlsx

    def cell(v: str, n):  # noqa: ANN001, ANN202
        return {"value": v, "number": n, "line": 1, "confidence": 1.0, "source": "rules", "ambiguous": False}

    rec = {
        "id": "r1", "path": "r1.txt", "status": "success", "errors": [], "template": "2019", "year": 2019,
        "sections": [],
        "cells": {"t3.granted.natural_person": cell("2", 2), "t3.granted.total": cell("3", 3),
                  "t3.partial.total": cell("1", 1), "t4.review.total": cell("\x01无", None)},
        "checks": [{"name": "t3.row_total.granted", "status": "fail", "left": 3, "right": 2},
                   {"name": "t3.row_total.partial", "status": "pass", "left": 1, "right": 1}],
        "model": {"name": "rules", "version": "1"},
    }
    path = tmp_path / "x.xlsx"
    write_xlsx([rec], path)
    write_csv([rec], tmp_path / "x.csv")
    ws = openpyxl.load_workbook(path)["t3"]
    rows = {r[1].value: r for r in ws.iter_rows(min_row=2)}
    assert rows["granted"][2].value == 2 and rows["granted"][2].fill.fgColor.rgb.endswith("FFC7CE")
    assert not rows["partial"][8].fill.fgColor.rgb.endswith("FFC7CE")


def test_dask_engine_matches_local(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from ogi.dask_engine import dask_records

    inputs = tmp_path / "in"
    inputs.mkdir()
    for s in SEEDS:
        shutil.copyfile(s, inputs / s.name)
    (inputs / "empty.txt").write_bytes(b"")
    local = tmp_path / "local.jsonl"
    run_tag([str(inputs)], local, TagOptions(model="rules", progress=False))
    files = sorted(str(p) for p in inputs.iterdir())
    recs = sorted(dask_records(files, "rules", None), key=lambda t: t[0])  # (index, record) as they finish
    assert [r["path"] for _, r in recs] == files
    dask_out = tmp_path / "dask.jsonl"
    run_tag([str(inputs)], dask_out, TagOptions(model="rules", engine="dask", progress=False))
    assert _records(dask_out) == _records(local)  # the batch puts them back in input order


def test_dask_missing_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from ogi.errors import OptionalDependencyError

    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):  # noqa: ANN001, ANN202
        if name == "distributed" or name.startswith(("distributed.", "dask")):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    from ogi.dask_engine import dask_records

    with pytest.raises(OptionalDependencyError, match=r"pip install 'ogi\[dask\]'"):
        next(dask_records(["x.txt"], "rules", None))
