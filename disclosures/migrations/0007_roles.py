from django.contrib.auth.management import create_permissions
from django.db import migrations

# Two roles. Editors draft and correct disclosures and their documents; publishers also
# publish, schedule and withdraw (the publish_disclosure permission), which the admin
# enforces on the server.
EDITOR_PERMISSIONS = [
    ("disclosures", "add_disclosure"),
    ("disclosures", "change_disclosure"),
    ("disclosures", "view_disclosure"),
    ("disclosures", "add_document"),
    ("disclosures", "change_document"),
    ("disclosures", "delete_document"),
    ("disclosures", "view_document"),
    ("disclosures", "view_change"),
    ("disclosures", "add_keyword"),
    ("disclosures", "change_keyword"),
    ("disclosures", "view_keyword"),
    ("disclosures", "view_exemption"),
]
PUBLISHER_PERMISSIONS = [*EDITOR_PERMISSIONS, ("disclosures", "publish_disclosure")]
ROLES = {"Editors": EDITOR_PERMISSIONS, "Publishers": PUBLISHER_PERMISSIONS}


def create_roles(apps, schema_editor):
    # Permissions are normally made after migrations; make them now so the groups can
    # hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in wanted
            ]
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0006_documents_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
