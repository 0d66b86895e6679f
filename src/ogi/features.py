"""Segment features for the CRF: small pure functions over a document's segments.

X for one document is a list of feature dicts, one per segment (crfsuite's item format: string
values become indicator features "name=value", floats become weighted features).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ogi import schema
from ogi.data import Document, Tag

FEATURES_VERSION = "1"

_NUMBERING = (
    ("cn_dun", re.compile(r"^[一二三四五六七八九十]{1,3}[、.．]")),
    ("paren_cn", re.compile(r"^[(（][一二三四五六七八九十]{1,3}[)）]")),
    ("arabic", re.compile(r"^\d{1,2}[.．、]")),
)


@lru_cache(maxsize=1)
def _tokenizer():  # noqa: ANN202 - jieba has no stubs
    """A jieba tokenizer over a small domain dictionary (the schema's labels), built in memory.

    jieba's own ``initialize`` reads a dictionary file and writes a cache file beside the temp dir;
    building the prefix dictionary from bytes keeps start-up fast and leaves no files behind.
    """
    import io

    import jieba

    jieba.setLogLevel(60)
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total = tok.gen_pfdict(io.BytesIO(_domain_dict().encode("utf-8")))
    tok.initialized = True
    return tok


def _domain_dict() -> str:
    """jieba's dictionary format ("word freq tag" per line) for the domain words."""
    words: set[str] = {alias for alias, _ in schema.ALIASES}
    for kws in schema.SECTION_KEYWORDS.values():
        words.update(kws)
    words.update(["政府信息", "公开", "申请", "数量", "本年", "上年", "结转", "办理", "结果", "情况", "统计", "不予", "处理", "行政", "复议", "诉讼"])
    return "".join(f"{w} 100 n\n" for w in sorted(words) if w)


@lru_cache(maxsize=100_000)
def words(text: str) -> tuple[str, ...]:
    """jieba words of a short label (domain dictionary), cached: labels repeat across reports."""
    return tuple(w for w in _tokenizer().lcut(text, HMM=False) if w.strip())


@lru_cache(maxsize=100_000)
def _text_features(text: str) -> tuple[tuple[str, str | float], ...]:
    """Features of a short text segment that depend on its text alone (cached)."""
    f: list[tuple[str, str | float]] = []
    s = schema.squash(text)
    f.append(("len", str(min(len(s), 20) // 2)))
    for name, rx in _NUMBERING:
        if rx.match(text):
            f.append(("numbering", name))
            break
    for w in words(s)[:8]:
        f.append((f"w[{w}]", 1.0))
    for i in range(min(len(s), 6)):
        f.append((f"p{i}", s[i]))
    f.append(("suf2", s[-2:]))
    f.append(("suf3", s[-3:]))
    for prefix in ("ROW.t2", "ROW.t3", "COL.t2", "COL.t3", "COL.t4"):
        lab, sc = schema.alias_match(text, prefix)  # the alias table alone, as the CRF was trained (not ogi.keymatch)
        if sc >= 0.7:
            f.append((f"alias.{prefix}", lab))
            f.append((f"alias.{prefix}.sc", round(sc, 2)))
    n, title = schema.section_numeral(text)
    if n is not None:
        f.append(("secnum", str(n)))
        key = schema.match_section(title)
        if key:
            f.append(("seckey", key))
            f.append(("seckey_match", str(int(key[1]) == n)))
    blk = schema.match_block(text)
    if blk:
        f.append(("block", blk))
    for k in ("勾稽", "申请人情况", "统计表", "统计指标", "信息内容", "法人或其他组织", "本年度办理结果"):
        if k in text:
            f.append(("kw", k))
    return tuple(f)


def _num_features(text: str) -> list[tuple[str, str | float]]:
    f: list[tuple[str, str | float]] = [("numshape", re.sub(r"\d+", "9", text)[:8])]
    if text.strip() in ("0", "0.0"):
        f.append(("zero", "1"))
    if "." in text:
        f.append(("decimal", "1"))
    if re.search(r"[增减]|^-", text):
        f.append(("signed", "1"))
    if re.search(r"[\u4e00-\u9fff]", text):
        f.append(("unit", "1"))
    return f


def doc_features(doc: Document, rule_tags: list[Tag], states: list[tuple[str, int]]) -> list[dict[str, str | float]]:
    """Feature dicts for every segment of a segmented document.

    ``rule_tags`` and ``states`` come from ``RuleTagger.predict_with_state``: the rule label is a
    feature (the CRF learns where to trust it), the state says which table and section the rules
    think the segment is in.
    """
    segs = doc.segments
    n = len(segs)
    # value index within its row: numbers since the last text segment, and the row's value count
    vidx = [0] * n
    rowk = [0] * n
    first_val = [""] * n
    i = 0
    while i < n:
        if segs[i].kind == "num":
            j = i
            while j < n and segs[j].kind == "num":
                j += 1
            for k in range(i, j):
                vidx[k] = k - i
                rowk[k] = j - i
                first_val[k] = segs[i].text
            i = j
        else:
            i += 1
    out: list[dict[str, str | float]] = []
    tpl = doc.template
    for i, seg in enumerate(segs):
        rl = rule_tags[i].label
        table, section = states[i]
        f: dict[str, str | float] = {
            "bias": 1.0,
            "kind": seg.kind,
            "rule": rl,
            "rule_grp": rl.split(".")[0],
            "tpl": tpl,
            "table": table,
            "sec": str(section),
        }
        if seg.kind == "prose":
            out.append(f)
            continue
        f["sep"] = seg.sep
        f["cell"] = str(min(seg.cell, 9))
        f["ncells"] = str(min(seg.n_cells, 16))
        if seg.empty_before:
            f["gap"] = "1"
        if seg.blank_before:
            f["blank"] = "1"
        if seg.kind == "num":
            f["vidx"] = str(min(vidx[i], 16))
            f["rowk"] = str(min(rowk[i], 16))
            f["vidx_rowk"] = f"{min(vidx[i], 16)}/{min(rowk[i], 16)}"
            f["table_vidx"] = f"{table}:{min(vidx[i], 16)}"
            f["last_in_row"] = str(vidx[i] == rowk[i] - 1)
            f["eq_first"] = str(seg.text == first_val[i])
            for k, v in _num_features(seg.text):
                f[k] = v
        else:
            for k, v in _text_features(seg.text):
                f[k] = v
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < n:
                f[f"{d}:kind"] = segs[j].kind
                f[f"{d}:rule"] = rule_tags[j].label
                if d in (-1, 1):
                    f[f"{d}:same_line"] = str(segs[j].line == seg.line)
            else:
                f[f"{d}:edge"] = "1"
        out.append(f)
    return out
