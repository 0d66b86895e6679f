"""The 2021 template's printed table-3 row labels, shared by the tests that print invented reports in
other shapes (one-line glued, lined glued, Markdown conversions)."""

from __future__ import annotations

T3_LABELS_2021 = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied.state_secret": "1.属于国家秘密",
    "denied.law_prohibited": "2.其他法律行政法规禁止公开",
    "denied.three_safety": "3.危及“三安全一稳定”",
    "denied.third_party": "4.保护第三方合法权益",
    "denied.internal_affairs": "5.属于三类内部事务信息",
    "denied.process_info": "6.属于四类过程性信息",
    "denied.enforcement_file": "7.属于行政执法案卷",
    "denied.admin_query": "8.属于行政查询事项",
    "unavailable.not_held": "1.本机关不掌握相关政府信息",
    "unavailable.needs_creation": "2.没有现成信息需要另行制作",
    "unavailable.unclear": "3.补正后申请内容仍不明确",
    "not_processed.petition": "1.信访举报投诉类申请",
    "not_processed.repeat": "2.重复申请",
    "not_processed.publication": "3.要求提供公开出版物",
    "not_processed.massive_repeat": "4.无正当理由大量反复申请",
    "not_processed.confirm_info": "5.要求行政机关确认或重新出具已获取信息",
    "other.overdue_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.overdue_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other.other": "3.其他",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}


def row_np_com(np: int, com: int) -> tuple[int, ...]:
    """A table-3 row with only natural-person and commercial requests: the seven columns, total last."""
    return (np, com, 0, 0, 0, 0, np + com)
