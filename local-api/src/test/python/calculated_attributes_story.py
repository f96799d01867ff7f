"""Calculated attributes through boto3 and the AWS CLI, against the local API: a definition created, read, updated,
listed and deleted; Amazon Connect's defaults; values read right after the writes they reflect; BatchGet with an
unknown profile; the model's errors.

Usage: python3 calculated_attributes_story.py http://127.0.0.1:3000
"""
import json
import os
import subprocess
import sys
import uuid

import boto3
from botocore.config import Config

endpoint = sys.argv[1]
client = boto3.client(
    "customer-profiles", endpoint_url=endpoint, region_name="us-east-1",
    aws_access_key_id="local", aws_secret_access_key="local", config=Config(retries={"max_attempts": 1}))
errors = client.exceptions
run = uuid.uuid4().hex[:8]
DOMAIN = "CalcStory" + run
cli_env = dict(os.environ, AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local", AWS_DEFAULT_REGION="us-east-1",
               AWS_MAX_ATTEMPTS="1")


def cli(*args):
    done = subprocess.run(["aws", "customer-profiles", *args, "--endpoint-url", endpoint, "--output", "json"],
                          capture_output=True, text=True, env=cli_env)
    assert done.returncode == 0, (args, done.stderr)
    return json.loads(done.stdout) if done.stdout.strip() else {}


def expect(exception, words, call, **kwargs):
    try:
        call(**kwargs)
    except exception as e:
        assert words in e.response["Error"]["Message"], e.response
        return
    raise AssertionError("expected " + exception.__name__)


client.create_domain(DomainName=DOMAIN, DefaultExpirationDays=30)
client.put_profile_object_type(DomainName=DOMAIN, ObjectTypeName="CTR", Description="contact records", TemplateId="CTR")

# 1. Every domain has Amazon Connect's seven defaults.
names = [i["CalculatedAttributeName"] for i in client.list_calculated_attribute_definitions(DomainName=DOMAIN)["Items"]]
assert names == sorted(["_average_call_duration", "_average_hold_time", "_frequent_caller", "_last_agent_id", "_last_channel",
                        "_most_frequent_channel", "_new_customer"]), names
frequent = client.get_calculated_attribute_definition(DomainName=DOMAIN, CalculatedAttributeName="_frequent_caller")
assert frequent["Statistic"] == "COUNT" and frequent["Conditions"]["Threshold"] == {"Value": "5", "Operator": "GREATER_THAN"}, frequent

# 2. A definition of our own, with the CLI: voice calls in the last 30 days.
created = cli("create-calculated-attribute-definition", "--domain-name", DOMAIN, "--calculated-attribute-name", "voiceCalls",
              "--display-name", "Voice calls", "--statistic", "COUNT",
              "--attribute-details", json.dumps({"Attributes": [{"Name": "contactId"}], "Expression": "{CTR.contactId}"}),
              "--conditions", json.dumps({"Range": {"Value": 30, "Unit": "DAYS"}}),
              "--filter", json.dumps({"Include": "ALL", "Groups": [{"Type": "ALL", "Dimensions": [
                  {"Attributes": {"channel": {"DimensionType": "INCLUSIVE", "Values": ["VOICE"]}}}]}]}),
              "--use-historical-data")
assert created["CalculatedAttributeName"] == "voiceCalls" and created["Status"] == "COMPLETED", created
got = client.get_calculated_attribute_definition(DomainName=DOMAIN, CalculatedAttributeName="voiceCalls")
assert got["Filter"]["Groups"][0]["Dimensions"][0]["Attributes"]["channel"]["Values"] == ["VOICE"], got
assert got["CreatedAt"].year >= 2024, got
expect(errors.BadRequestException, "already exists", client.create_calculated_attribute_definition, DomainName=DOMAIN,
       CalculatedAttributeName="voiceCalls", Statistic="COUNT",
       AttributeDetails={"Attributes": [{"Name": "contactId"}], "Expression": "{CTR.contactId}"})
expect(errors.BadRequestException, "AttributeDetails.Expression", client.create_calculated_attribute_definition, DomainName=DOMAIN,
       CalculatedAttributeName="bad", Statistic="SUM",
       AttributeDetails={"Attributes": [{"Name": "a"}], "Expression": "{CTR.a} + {Orders.b}"})

# 3. Values read right after the puts they reflect (read your writes).
phone = "+1 206 555 " + str(1000 + int(run, 16) % 9000)
for i, channel in enumerate(["VOICE", "CHAT", "VOICE"]):
    client.put_profile_object(DomainName=DOMAIN, ObjectTypeName="CTR", Object=json.dumps({
        "contactId": "c-%d-%s" % (i, run), "channel": channel, "customerEndpoint": {"address": phone},
        "agent": {"id": "agent-%d" % i}}))
    profile_id = client.search_profiles(DomainName=DOMAIN, KeyName="_phone", Values=[phone])["Items"][0]["ProfileId"]
    value = client.get_calculated_attribute_for_profile(DomainName=DOMAIN, ProfileId=profile_id, CalculatedAttributeName="_last_channel")
    assert value["Value"] == channel and value["IsDataPartial"] == "false", value
voice = client.get_calculated_attribute_for_profile(DomainName=DOMAIN, ProfileId=profile_id, CalculatedAttributeName="voiceCalls")
assert voice["Value"] == "2" and voice["DisplayName"] == "Voice calls", voice
assert voice["LastObjectTimestamp"].year >= 2024, voice
listed = cli("list-calculated-attributes-for-profile", "--domain-name", DOMAIN, "--profile-id", profile_id)
by_name = {i["CalculatedAttributeName"]: i.get("Value") for i in listed["Items"]}
assert by_name["_last_agent_id"] == "agent-2" and by_name["_most_frequent_channel"] == "VOICE", by_name
assert by_name["_frequent_caller"] == "false" and by_name["_new_customer"] == "true", by_name

# 4. BatchGet: an unknown profile is an error entry, not a failed call.
unknown = "0" * 32
batch = client.batch_get_calculated_attribute_for_profile(DomainName=DOMAIN, CalculatedAttributeName="voiceCalls",
                                                          ProfileIds=[profile_id, unknown],
                                                          ConditionOverrides={"Range": {"Start": 7, "Unit": "DAYS"}})
assert [v["Value"] for v in batch["CalculatedAttributeValues"]] == ["2"], batch
assert batch["Errors"] == [{"Code": "ResourceNotFoundException", "Message": "Profile '%s' does not exist" % unknown,
                            "ProfileId": unknown}], batch["Errors"]
assert batch["ConditionOverrides"] == {"Range": {"Start": 7, "Unit": "DAYS"}}, batch
expect(errors.ResourceNotFoundException, unknown, client.get_calculated_attribute_for_profile, DomainName=DOMAIN, ProfileId=unknown,
       CalculatedAttributeName="voiceCalls")

# 5. Update (the response has no Filter), delete a default, create it again.
updated = client.update_calculated_attribute_definition(DomainName=DOMAIN, CalculatedAttributeName="voiceCalls",
                                                        Conditions={"Range": {"Value": 7, "Unit": "DAYS"},
                                                                    "Threshold": {"Value": "1", "Operator": "GREATER_THAN"}})
assert "Filter" not in updated and updated["Conditions"]["Threshold"]["Value"] == "1", updated
assert client.get_calculated_attribute_for_profile(DomainName=DOMAIN, ProfileId=profile_id,
                                                   CalculatedAttributeName="voiceCalls")["Value"] == "true"
cli("delete-calculated-attribute-definition", "--domain-name", DOMAIN, "--calculated-attribute-name", "_last_channel")
expect(errors.ResourceNotFoundException, "_last_channel", client.get_calculated_attribute_definition, DomainName=DOMAIN,
       CalculatedAttributeName="_last_channel")
client.create_calculated_attribute_definition(DomainName=DOMAIN, CalculatedAttributeName="_last_channel", Statistic="LAST_OCCURRENCE",
                                              AttributeDetails={"Attributes": [{"Name": "channel"}], "Expression": "{CTR.channel}"})
assert client.get_calculated_attribute_for_profile(DomainName=DOMAIN, ProfileId=profile_id,
                                                   CalculatedAttributeName="_last_channel").get("Value") is None, \
    "created again, it covers data from its creation on"
client.delete_domain(DomainName=DOMAIN)

# 6. The README's "frequent caller" quick start, word for word but for the endpoint.
readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "README.md"), encoding="utf-8").read()
block = readme.split("<!-- quick-start-calculated -->")[1].split("```bash")[1].split("```")[0]
done = subprocess.run(["bash", "-e", "-c", block.replace("http://127.0.0.1:3000", endpoint)], capture_output=True, text=True, env=cli_env)
assert done.returncode == 0, done.stderr
frequent_caller = json.loads(done.stdout)
assert frequent_caller["CalculatedAttributeName"] == "_frequent_caller" and frequent_caller["Value"] == "true", frequent_caller
assert frequent_caller["DisplayName"] == "Frequent caller" and frequent_caller["IsDataPartial"] == "false", frequent_caller
print("calculated attributes story: ok")
