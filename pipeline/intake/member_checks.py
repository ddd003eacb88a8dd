"""The checks of SPEC 11 on one return: the province's own categories, the membership balance, grassroots
organizations. The start of the balance against the half-year before is `checks.check_continuity`'s."""

from __future__ import annotations

from pipeline.common import fmt
from pipeline.intake import forms
from pipeline.intake.form_file import Form
from pipeline.intake.return_record import Place, Return


def check_categories(ret: Return, form: Form) -> None:
    """Each category of the province's form: present unless optional, and a part of `admitted`."""
    admitted = ret.figures.get(forms.REQUIRED_CODE)
    if admitted is None:
        return
    for category in form.categories:
        figure = ret.figures.get(category.code)
        if figure is None:
            if not category.optional:
                ret.report(
                    "row-missing-required",
                    Place(admitted.place.sheet, ""),
                    label=form.admissions.label(category.code),
                    code=category.code,
                    why="mẫu báo cáo của tỉnh (form.toml) có dòng này",
                )
            continue
        label = form.admissions.label(category.code)
        ret.report_above("of-which-above-admitted", figure, admitted, label, "admitted")


def check_members(ret: Return, form: Form) -> None:
    """A return that holds the membership sheet holds every row of it, and its end balances."""
    found = [code for code in forms.MEMBER_CODES if code in ret.figures]
    if not found:
        return  # the sheet is optional
    missing = [code for code in forms.MEMBER_CODES if code not in ret.figures]
    sheet = ret.figures[found[0]].place.sheet
    for code in missing:
        ret.report(
            "row-missing-required",
            Place(sheet, ""),
            label=form.members.label(code),
            code=code,
            why="trang số đảng viên cần đủ các dòng",
        )
    if missing:
        return
    value = {code: ret.figures[code].value for code in forms.MEMBER_CODES}
    admitted = ret.figures.get(forms.REQUIRED_CODE)
    if admitted is not None:
        out = sum(value[code] for code in forms.MEMBERS_OUT)
        computed = value["members_start"] + admitted.value + value["transferred_in"] - out
        end = ret.figures["members_end"]
        if computed != end.value:
            ret.report(
                "members-balance",
                end.place,
                fmt.number(end.value),
                fmt.number(computed),
                start=fmt.number(value["members_start"]),
                admitted=fmt.number(admitted.value),
                moved_in=fmt.number(value["transferred_in"]),
                out=fmt.number(out),
                computed=fmt.number(computed),
            )
    probationary, end = ret.figures["probationary_end"], ret.figures["members_end"]
    ret.report_above("probationary-above-members", probationary, end, form.members.label("probationary_end"), "end")


def check_grassroots(ret: Return, form: Form) -> None:
    total, admitting = (ret.figures.get(code) for code in forms.GRASSROOTS_CODES)
    if total is not None and admitting is not None:
        label = form.organization.label("grassroots_orgs_admitting")
        ret.report_above("grassroots-admitting-above-total", admitting, total, label, "total")
