"""
The office's roles, as Django groups: what editors and administrators may do in the admin.

The README's permission table is this module in prose; tests/test_roles.py checks each line.
"""

EDITORS = "Redattori"
ADMINISTRATORS = "Amministratori"

# (app label, model) -> the actions editors have. Deleting a *published* network takes the
# extra permission networks.delete_published_network, which only administrators hold. Nor do
# editors publish: they send networks for review (networks.review), unless the setting
# REVIEW_REQUIRED is off, when networks.review.EditorsPublishWithoutReview lets them.
EDITOR_PERMISSIONS = {
    ("networks", "network"): ["view", "add", "change", "delete"],
    ("networks", "theme"): ["view", "add", "change"],
    ("networks", "membership"): ["view", "add", "change", "delete"],
    ("networks", "document"): ["view", "add", "change", "delete"],
    ("networks", "networkspage"): ["view", "change"],
    ("feedback", "feedback"): ["view"],
}

# Administrators hold every permission of these apps, user management included.
ADMINISTRATOR_APPS = ["networks", "feedback", "identity", "auth", "admin"]


def codename(action, model):
    return f"{action}_{model}"


def sync_roles(group_model, permission_model):
    """
    Create the two groups and give them exactly their permissions.

    Takes the models as arguments so that a data migration can pass its historical ones.
    """
    editors, _created = group_model.objects.get_or_create(name=EDITORS)
    editor_permissions = []
    for (app_label, model), actions in EDITOR_PERMISSIONS.items():
        codenames = [codename(action, model) for action in actions]
        found = permission_model.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        missing = set(codenames) - {permission.codename for permission in found}
        if missing:
            raise LookupError(f"Permissions not found: {sorted(missing)}")
        editor_permissions.extend(found)
    editors.permissions.set(editor_permissions)

    administrators, _created = group_model.objects.get_or_create(name=ADMINISTRATORS)
    administrators.permissions.set(
        permission_model.objects.filter(content_type__app_label__in=ADMINISTRATOR_APPS)
    )
