"""Migrations that move data: a database of an earlier release keeps everything it held."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("networks", "0011_whole_versions"), ("feedback", None)]
AFTER = [("networks", "0012_feedback_moves_to_its_app"), ("feedback", "0001_initial")]


def migrate(targets, state_of):
    """Migrate the test database to `targets`; return the models as of `state_of`."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(state_of).apps


@pytest.fixture(autouse=True)
def back_to_the_latest():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_page_ratings_keep_their_rows_and_permissions_when_they_move_to_their_own_app():
    old = migrate(BEFORE, BEFORE[:1])
    old.get_model("networks", "Feedback").objects.create(
        path="/it/reti/", language="it", rating=2, answer="unclear"
    )
    # The rows the migrations and Django make for the model (other tests may have emptied them).
    content_type, _created = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="networks", model="feedback"
    )
    Permission = old.get_model("auth", "Permission")
    permission, _created = Permission.objects.get_or_create(
        codename="view_feedback", content_type=content_type, defaults={"name": "view"}
    )
    old.get_model("auth", "Group").objects.create(name="Lettori").permissions.add(permission)

    new = migrate(AFTER, AFTER)
    [rating] = new.get_model("feedback", "Feedback").objects.values_list("path", "rating")
    assert rating == ("/it/reti/", 2)
    readers = new.get_model("auth", "Group").objects.get(name="Lettori")
    assert readers.permissions.filter(
        codename="view_feedback", content_type__app_label="feedback"
    ).exists()
    ContentType = new.get_model("contenttypes", "ContentType")
    assert not ContentType.objects.filter(app_label="networks", model="feedback").exists()
    assert Permission.objects.filter(codename="view_feedback").count() == 1


def test_the_promoting_organisation_becomes_the_italian_one_in_the_history_too():
    before = [("networks", "0014_search_terms")]
    old = migrate(before, before)
    network = old.get_model("networks", "Network").objects.create(
        name_it="Eurodesk", slug="eurodesk", promoter="Commissione europea"
    )
    old.get_model("networks", "HistoricalNetwork").objects.create(
        id=network.pk,
        name_it="Eurodesk",
        slug="eurodesk",
        promoter="Commissione europea",
        created_at=network.created_at,
        history_date=network.updated_at,
        history_type="~",
    )

    after = [("networks", "0015_promoter_translated")]
    new = migrate(after, after)
    translated = new.get_model("networks", "Network").objects.values_list(
        "promoter_it", "promoter_en"
    )
    assert list(translated) == [("Commissione europea", None)]
    history = new.get_model("networks", "HistoricalNetwork").objects.values_list("promoter_it")
    assert list(history) == [("Commissione europea",)]
