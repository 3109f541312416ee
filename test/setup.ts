/**
 * No accidental AWS: every test process starts with dummy credentials, no profile files, and a
 * default endpoint that refuses connections, so a client that forgot the sandbox endpoint fails
 * at once instead of reaching for real AWS (awslimitchecker's bogus keys, in spirit).
 */
process.env.AWS_ACCESS_KEY_ID = 'AKIAHEADROOMTESTONLY';
process.env.AWS_SECRET_ACCESS_KEY = 'not-a-real-secret-used-by-tests-only';
process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
process.env.AWS_CONFIG_FILE = '/dev/null';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
