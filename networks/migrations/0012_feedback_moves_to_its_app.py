# The page ratings now live in the feedback app, in the same table (feedback 0001).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0001_initial'),
        ('networks', '0011_whole_versions'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Feedback')],
        ),
    ]
