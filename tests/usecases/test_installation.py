"""usecases.admin.open_installation: a broken definition file stops the start before the database
is touched, naming the file and the path of every problem."""
from __future__ import annotations

import shutil

import pytest
import definitions.registry as registry
from core.errors import ConfigError
from core.settings import CONFIG_DIR, Settings
from usecases.admin import open_installation


@pytest.fixture
def broken_config(tmp_path, monkeypatch):
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    card = config / "scorecards" / "crm_default.yaml"
    card.write_text(card.read_text(encoding="utf-8").replace("kpi: win_rate", "kpi: win_rat", 1), encoding="utf-8")
    monkeypatch.setattr(registry, "CONFIG_DIR", config)
    registry.shipped.cache_clear()
    yield config
    registry.shipped.cache_clear()


def test_a_broken_scorecard_stops_the_start_before_anything_is_migrated(tmp_path, broken_config):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cockpit.db'}", data_dir=tmp_path / "data",
                        demo=True, team_mode=False, max_upload_mb=200)
    with pytest.raises(ConfigError) as caught:
        open_installation(settings)
    text = caught.value.describe()
    assert "scorecards/crm_default.yaml" in text and "win_rat" in text
    assert not (tmp_path / "cockpit.db").exists()  # neither migrated nor seeded
    assert not (tmp_path / "data").exists()
