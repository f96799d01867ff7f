"""boto3 and the AWS CLI signed for an API Gateway endpoint (service name execute-api), as the README shows.

Usage: python3 execute_api_signing.py <repo root>. A loopback server records what the clients send.
"""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading

import boto3

repo = sys.argv[1]
sys.path.insert(0, os.path.join(repo, "tools"))
from awscli_execute_api import sign_for_api_gateway  # noqa: E402

seen = []


class Recorder(http.server.BaseHTTPRequestHandler):
    def do_PUT(self):
        seen.append((self.headers.get("Authorization"), self.path))
        body = b'{"ProfileObjectUniqueKey":"k"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
threading.Thread(target=server.serve_forever, daemon=True).start()
stage_url = f"http://127.0.0.1:{server.server_port}/prod"

client = boto3.client("customer-profiles", endpoint_url=stage_url, region_name="eu-west-1",
                      aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
client.meta.events.register("before-sign.customer-profiles", sign_for_api_gateway)
client.put_profile_object(DomainName="d", ObjectTypeName="CTR", Object="{}")

with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as config:
    config.write("[plugins]\nexecute_api = awscli_execute_api\n")
env = dict(os.environ, PYTHONPATH=os.path.join(repo, "tools"), AWS_CONFIG_FILE=config.name,
           AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret", AWS_DEFAULT_REGION="eu-west-1")
cli = subprocess.run(["aws", "customer-profiles", "put-profile-object", "--endpoint-url", stage_url, "--domain-name", "d",
                      "--object-type-name", "CTR", "--object", "{}"], capture_output=True, text=True, env=env)
assert cli.returncode == 0, cli.stderr
assert json.loads(cli.stdout) == {"ProfileObjectUniqueKey": "k"}, cli.stdout

assert len(seen) == 2, seen
for authorization, path in seen:
    assert "/eu-west-1/execute-api/aws4_request" in authorization, authorization
    assert path == "/prod/domains/d/profiles/objects", path
print("execute-api signing: ok")
