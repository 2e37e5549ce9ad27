from django.contrib.auth.management import create_permissions
from django.db import migrations

from networks.roles import sync_roles


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations have run (post_migrate); the groups
    # need them now, on a fresh database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_roles(apps, schema_editor):
    from networks.roles import ADMINISTRATORS, EDITORS

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
