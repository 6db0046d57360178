from rest_framework import serializers

from agencies.models import Agency


class AgencySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    members = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text="For a group wording (kind 'group'): the codes of the bodies it stands for.",
    )

    class Meta:
        model = Agency
        fields = ["code", "name", "kind", "level", "province", "parent", "members"]
