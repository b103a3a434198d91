"""The permission table: per page and per command, the use case it calls and the action that use
case must check. ``mismatches`` runs every row with a session of every role against the real use
cases and lists each call whose outcome differs from ``config/permissions.yaml``."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from auth.roles import Role, allowed
from core.errors import PermissionDenied
from usecases import admin, alerts, analysis, assessment, datasets, imports, reports, scorecard


@dataclass(frozen=True)
class Row:
    surface: str                      # where a person does it: page or command
    action: str                       # the permission the use case must check
    call: Callable                    # (session, world) -> anything


EMPTY = pd.DataFrame(columns=["question_id", "after", "note_after", "version"])

ROWS = (
    Row("page overview, page scorecard, cli scorecard --client", "scorecard.view",
        lambda s, w: scorecard.view_scorecard(s)),
    Row("page kpis, page lifecycle", "scorecard.view", lambda s, w: datasets.current_dataset(s)),
    Row("page overview (alert feed), page scorecard (marker)", "scorecard.view",
        lambda s, w: alerts.view_alerts(s, "de")),
    Row("page overview (acknowledge an alert)", "alert.acknowledge",
        lambda s, w: alerts.acknowledge(s, "revenue|2031-01|red|", "")),
    Row("page kpis", "scorecard.view", lambda s, w: analysis.kpi_table(s, w.info, ("revenue",))),
    Row("page import", "import.run", lambda s, w: imports.upload_folder(s, "0" * 32)),
    Row("page import, cli import", "import.run", lambda s, w: datasets.commit(s, None)),
    Row("page import (effect preview)", "import.run", lambda s, w: datasets.preview(s, None)),
    Row("page import (restore), cli datasets restore", "import.run", lambda s, w: datasets.restore(s, -1)),
    Row("page reports, cli report", "report.export", lambda s, w: reports.report_periods(s, "quarter")),
    Row("page reports, cli report", "report.export", lambda s, w: reports.build_report(s, "xlsx", "2031-Q1", "de")),
    Row("page reports (questionnaire), cli questionnaire export", "assessment.run",
        lambda s, w: reports.export_questionnaire(s, w.round_id, "de", w.tmp / "q.xlsx")),
    Row("page reports (questionnaire), cli questionnaire merge", "assessment.run",
        lambda s, w: reports.merge_questionnaire(s, w.round_id, EMPTY)),
    Row("page assessment", "assessment.view", lambda s, w: assessment.rounds(s)),
    Row("page assessment (new round)", "assessment.run", lambda s, w: assessment.start_round(s, "crm_default", "")),
    Row("page workshop", "assessment.run", lambda s, w: assessment.presentation(s, w.round_id)),
    Row("page workshop (live panel)", "assessment.run",
        lambda s, w: assessment.live_question(s, w.round_id, w.model, w.model.question_ids[0])),
    Row("page workshop (code)", "assessment.run", lambda s, w: assessment.renew_code(s, w.round_id)),
    Row("page workshop (anonymous voting)", "assessment.run", lambda s, w: assessment.set_anonymous(s, w.round_id, False)),
    Row("page workshop (link sheet)", "assessment.run", lambda s, w: assessment.reissue_link(s, w.round_id, -1)),
    Row("page scorecard (editor)", "scorecard.edit",
        lambda s, w: scorecard.save_targets(s, scorecard.load_card(s), pd.DataFrame(), -1)),
    Row("page scorecard (manual values)", "scorecard.edit",
        lambda s, w: scorecard.save_manual_values(s, pd.DataFrame(), pd.DataFrame())),
    Row("page settings, cli client add", "client.create", lambda s, w: admin.create_client(s, "")),
    Row("page settings (audit)", "audit.view", lambda s, w: admin.audit_log(s)),
    Row("page settings (storage)", "settings.edit", lambda s, w: admin.storage_info(s)),
)


def denied(row: Row, session, world) -> bool:
    """Did the use case refuse? Any other error came after the check (empty input) and counts as let through."""
    try:
        row.call(session, world)
    except PermissionDenied:
        return True
    except Exception:  # noqa: BLE001 - empty or unknown input after a passed check
        return False
    return False


def mismatches(rows, sessions: dict[Role, object], world) -> list[str]:
    out = []
    for row in rows:
        for role, session in sessions.items():
            expected = not allowed(role, row.action)
            if denied(row, session, world) != expected:
                out.append(f"{row.surface}: {role.value} {'was let through' if expected else 'was refused'} "
                           f"(needs {row.action})")
    return out
