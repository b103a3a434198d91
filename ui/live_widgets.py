"""Widgets of a client whose data is a live source (issue 12): the "Stand" line of the overview
and the scorecard (the snapshot marker's latest timestamp and the table it reads)."""
import streamlit as st

from storage.datasets import DatasetInfo
from usecases import datasets
from usecases.session import Session


def as_of(session: Session, info: DatasetInfo | None, lang: str) -> None:
    """"Stand: <snapshot time> (Live-Quelle <table>)" when ``info`` is a live version; nothing for files."""
    text = datasets.as_of(session, info, lang)
    if text:
        st.caption(text)
