from django.contrib.auth.management import create_permissions
from django.db import migrations

# A copy of networks.roles as it was when this migration was written, so that the roles can
# change (a later migration changes them) without changing what this migration does.
EDITORS = "Redattori"
ADMINISTRATORS = "Amministratori"
EDITOR_PERMISSIONS = {
    ("networks", "network"): ["view", "add", "change", "delete", "publish"],
    ("networks", "theme"): ["view", "add", "change"],
    ("networks", "membership"): ["view", "add", "change", "delete"],
    ("networks", "document"): ["view", "add", "change", "delete"],
    ("networks", "networkspage"): ["view", "change"],
    ("networks", "feedback"): ["view"],
}
ADMINISTRATOR_APPS = ["networks", "auth", "admin"]


def sync_roles(group_model, permission_model):
    editors, _created = group_model.objects.get_or_create(name=EDITORS)
    editor_permissions = []
    for (app_label, model), actions in EDITOR_PERMISSIONS.items():
        codenames = [f"{action}_{model}" for action in actions]
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


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations have run (post_migrate); the groups
    # need them now, on a fresh database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, ADMINISTRATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("networks", "0003_feedback"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="network",
            options={
                "ordering": ["name"],
                "permissions": [
                    ("publish_network", "Can publish a network"),
                    ("delete_published_network", "Can delete a published network"),
                ],
                "verbose_name": "network",
                "verbose_name_plural": "networks",
            },
        ),
        migrations.RunPython(create_roles, remove_roles),
    ]
