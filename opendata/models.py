from django.db import models


class BuiltFile(models.Model):
    """
    An open data file as a request without filters gets it, built ahead for the content version
    it names (opendata.built): served while that version is current, from any instance.
    """

    name = models.CharField(primary_key=True, max_length=50)
    version = models.CharField(max_length=40)
    content = models.BinaryField()
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.name} ({self.version})"
