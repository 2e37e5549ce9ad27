# The page ratings were a model of the networks app (networks 0003) until they got an app of
# their own. Their table keeps its name and rows: this migration only tells Django where the model
# lives now, and moves its content type, so that its permissions, the groups that hold them and the
# admin's log keep pointing at it.

import django.core.validators
from django.db import migrations, models


def move_content_type(apps, schema_editor, old="networks", new="feedback"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="feedback").exists():
        ContentType.objects.filter(app_label=old, model="feedback").update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="feedback", new="networks")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('networks', '0011_whole_versions'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Feedback',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('path', models.CharField(max_length=500, verbose_name='page')),
                        ('language', models.CharField(max_length=15, verbose_name='language')),
                        ('rating', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='rating')),
                        ('answer', models.CharField(blank=True, choices=[('clear', 'The information was clear'), ('complete', 'The information was complete'), ('found', 'I found what I was looking for'), ('easy', 'The page was easy to use'), ('other-good', 'Other'), ('unclear', 'At times the information was not clear'), ('incomplete', 'At times the information was not complete'), ('not-found', 'I did not find what I was looking for'), ('technical', 'I had technical problems'), ('other-bad', 'Other')], max_length=20, verbose_name='reason')),
                        ('comment', models.CharField(blank=True, max_length=200, verbose_name='comment')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='sent')),
                    ],
                    options={
                        'db_table': 'networks_feedback',
                        'verbose_name': 'page rating',
                        'verbose_name_plural': 'page ratings',
                        'ordering': ['-created_at'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('rating__gte', 1), ('rating__lte', 5)), name='networks_feedback_rating_1_to_5', violation_error_message='Choose from 1 to 5 stars.')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
