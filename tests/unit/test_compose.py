"""docker-compose.yml and deploy/Dockerfile agree with the code.

No Docker engine runs here, so these tests read the files and check each claim they make against
the project: every command is a real `lapor` command, every `LAPOR_*` variable a real setting whose
value validates, every port and dependency consistent, every development token documented.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shlex
import tomllib
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import typer
import yaml
from pydantic import SecretStr, ValidationError
from pydantic_settings import BaseSettings
from typer.testing import CliRunner

from services.faces.common.settings import EdgeSettings
from shared.auth import digest, is_role
from shared.settings import CommonSettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
DEV_TOKENS = ROOT / "deploy" / "dev-tokens.md"
PYPROJECT = ROOT / "pyproject.toml"

IMAGE = "lapor:dev"
INFRASTRUCTURE = ("kafka", "postgres", "topics")
APP_PORTS = {"intake": 8101, "routing": 8102, "tracking": 8103, "notification": 8104}
CONTEXTS = tuple(APP_PORTS)
# Edges run our image too: service -> (port, the `LAPOR_<PREFIX>_` of its settings, its class).
EDGES = {
    "email-adapter": (8107, "EMAIL", "services.adapters.email.settings:EmailAdapterSettings"),
    "whatsapp-adapter": (
        8109,
        "WHATSAPP",
        "services.adapters.whatsapp.settings:WhatsAppAdapterSettings",
    ),
}
SMTP_SINK = ("smtp-sink", 8025)
WHATSAPP_GRAPH = ("whatsapp-graph", 8119)  # the local Cloud API stand-in: HTTP, no broker
FACE_PORTS = {"open311": 8105, "web": 8106}
APP_WAITS_FOR = {
    "kafka": "service_healthy",
    "postgres": "service_healthy",
    "topics": "service_completed_successfully",
}


# --- reading the files ----------------------------------------------------------------------


@cache
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def lapor_services() -> list[str]:
    """Services that run our image (their `command` is a `lapor` command line)."""
    return [name for name, svc in services().items() if svc.get("image") == IMAGE]


def environment(name: str) -> dict[str, str]:
    """A service's environment as strings (compose allows a mapping or a KEY=VALUE list)."""
    env = services()[name].get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def lapor_environment(name: str) -> dict[str, str]:
    return {key: value for key, value in environment(name).items() if key.startswith("LAPOR_")}


def depends_on(name: str) -> dict[str, str]:
    """A service's dependencies and the condition each waits for."""
    deps = services()[name].get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {dep: (spec or {}).get("condition", "service_started") for dep, spec in deps.items()}


def published_ports(name: str) -> list[tuple[int, int]]:
    """(host port, container port) for each port a service publishes."""
    pairs = []
    for entry in services()[name].get("ports") or []:
        if isinstance(entry, dict):
            pairs.append((int(entry["published"]), int(entry["target"])))
            continue
        *_, host, container = str(entry).split("/")[0].split(":")
        pairs.append((int(host), int(container)))
    return pairs


def healthcheck_url(name: str) -> str:
    test = services()[name]["healthcheck"]["test"]
    text = test if isinstance(test, str) else " ".join(test)
    found = re.search(r"https?://[^\s'\"]+", text)
    assert found, f"{name}: healthcheck names no URL: {test!r}"
    return found.group(0)


def dockerfile_instruction(keyword: str) -> list[str]:
    """Arguments of every `KEYWORD ...` line of the Dockerfile (continuations joined)."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    return [
        line.split(None, 1)[1].strip()
        for line in text.splitlines()
        if line.strip().upper().startswith(keyword.upper() + " ")
    ]


def dockerfile_exec_form(keyword: str) -> list[str]:
    found = dockerfile_instruction(keyword)
    assert found, f"deploy/Dockerfile has no {keyword}"
    value = json.loads(found[-1])  # the last one wins, as in Docker
    assert isinstance(value, list), f"{keyword} must be exec form (a JSON list): {found[-1]}"
    return value


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for args in dockerfile_instruction("ENV"):
        env.update(dict(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=(\S+)", args)))
    return env


def auth_tokens(name: str) -> dict[str, str]:
    return json.loads(environment(name)["LAPOR_AUTH_TOKENS"])


def documented_tokens() -> dict[str, str]:
    """token -> role from the table in deploy/dev-tokens.md."""
    rows = re.findall(r"^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|", DEV_TOKENS.read_text(), re.M)
    return dict(rows)


# --- the code the files point at --------------------------------------------------------------


def lapor_cli() -> typer.Typer:
    """The `lapor` application, or a clear failure while services/cli/main.py is not written."""
    try:
        return importlib.import_module("services.cli.main").app
    except (ImportError, AttributeError) as error:
        problem = str(error)  # fail outside the handler: no chained traceback
    pytest.fail(f"the `lapor` command line (services.cli.main:app) is missing: {problem}", False)


def context_settings(context: str) -> type[BaseSettings]:
    """`<ctx>.settings.<Ctx>Settings`, or a clear failure while the context has none."""
    class_name = f"{context.capitalize()}Settings"
    try:
        return getattr(importlib.import_module(f"{context}.settings"), class_name)
    except (ImportError, AttributeError) as error:
        problem = str(error)  # fail outside the handler: no chained traceback
    pytest.fail(f"{context}.settings.{class_name} is missing: {problem}", False)


def edge_settings(path: str) -> type[BaseSettings]:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def field_named(settings: type[BaseSettings], variable: str, field: str) -> str:
    """The field a variable sets: by name, or by a validation alias spelling the variable."""
    for name, info in settings.model_fields.items():
        alias = info.validation_alias
        choices = getattr(alias, "choices", [alias]) if alias is not None else []
        if variable in choices:
            return name
    return field


def setting_for(variable: str) -> tuple[type[BaseSettings], str, str]:
    """Which settings class, field and env prefix a `LAPOR_*` variable belongs to."""
    rest = variable.removeprefix("LAPOR_")
    for _, prefix, path in EDGES.values():
        if rest.startswith(f"{prefix}_"):
            settings = edge_settings(path)
            field = field_named(settings, variable, rest.removeprefix(f"{prefix}_").lower())
            return settings, field, f"LAPOR_{prefix}_"
    if rest.lower() in EdgeSettings.model_fields:  # the faces' own settings
        return EdgeSettings, rest.lower(), "LAPOR_"
    for context in CONTEXTS:
        if rest.startswith(f"{context.upper()}_"):
            field = rest.removeprefix(f"{context.upper()}_").lower()
            return context_settings(context), field, f"LAPOR_{context.upper()}_"
    return CommonSettings, rest.lower(), "LAPOR_"


def same_value(value: Any, raw: str) -> bool:
    """Whether a parsed setting is the value the variable spells."""
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if isinstance(value, bool):
        return value == (raw.strip().lower() in {"1", "true", "yes", "on"})
    if isinstance(value, dict | list):
        return value == json.loads(raw)
    return str(value) == raw


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No `LAPOR_*` variable of the machine running the tests leaks into the settings."""
    for variable in [v for v in os.environ if v.startswith("LAPOR_")]:
        monkeypatch.delenv(variable)
    return monkeypatch


# --- the rules --------------------------------------------------------------------------------


def test_compose_has_the_infrastructure_and_the_four_services():
    missing = {*INFRASTRUCTURE, *APP_PORTS} - set(services())
    assert not missing, f"docker-compose.yml lacks services {sorted(missing)}"


def test_the_topic_job_and_the_four_services_run_our_image():
    replicas = {f"{context}-replica" for context in APP_PORTS}
    stand_ins = {SMTP_SINK[0], WHATSAPP_GRAPH[0]}
    expected = {"topics", *APP_PORTS, *replicas, *EDGES, *stand_ins, *FACE_PORTS}
    assert set(lapor_services()) == expected
    for name in lapor_services():
        build = services()[name].get("build")
        assert build == {"context": ".", "dockerfile": "deploy/Dockerfile"}, (name, build)


def test_each_service_serves_its_own_context_and_the_job_creates_topics():
    assert services()["topics"]["command"] == ["dev", "topics"]
    for context in APP_PORTS:
        assert services()[context]["command"] == ["serve", context]


@pytest.mark.parametrize("name", lapor_services())
def test_every_compose_command_is_a_lapor_command(name: str):
    command = services()[name].get("command")
    assert isinstance(command, list) and command, f"{name}: command must be a non-empty list"
    result = CliRunner().invoke(lapor_cli(), [*command, "--help"])
    assert result.exit_code == 0, f"`lapor {' '.join(command)} --help` failed:\n{result.output}"


@pytest.mark.parametrize("name", lapor_services())
def test_every_compose_command_passes_the_lapor_argument_parser(name: str):
    # `--help` is eager: it succeeds before arguments are checked (`serve nonsense --help` too).
    # Parse the real arguments here, without running the command.
    parse_lapor_command_line(services()[name]["command"])


def test_the_image_default_command_is_a_lapor_command():
    command = dockerfile_exec_form("CMD")
    result = CliRunner().invoke(lapor_cli(), [*command, "--help"])
    assert result.exit_code == 0, f"`lapor {' '.join(command)} --help` failed:\n{result.output}"
    parse_lapor_command_line(command)


def parse_lapor_command_line(argv: list[str]) -> None:
    """Resolve the subcommands of `argv` and parse the rest as the leaf command's arguments.

    Typer vendors its own click, so groups are recognised by what they do (`get_command`).
    """
    command = typer.main.get_command(lapor_cli())
    parent: typer.Context | None = None
    info_name = "lapor"
    args = list(argv)
    while hasattr(command, "get_command"):
        assert args, f"`lapor {' '.join(argv)}` stops at a group of commands"
        context = typer.Context(command, info_name=info_name, parent=parent)
        info_name = args.pop(0)
        sub = command.get_command(context, info_name)
        assert sub is not None, f"`lapor {' '.join(argv)}`: no command {info_name!r}"
        command, parent = sub, context
    try:
        command.make_context(info_name, args, parent=parent)
    except typer.TyperException as error:
        pytest.fail(f"`lapor {' '.join(argv)}` does not parse: {error}")


@pytest.mark.parametrize("name", lapor_services())
def test_every_lapor_variable_a_service_sets_is_a_setting(name: str):
    for variable in lapor_environment(name):
        settings, field, prefix = setting_for(variable)
        assert settings.model_config.get("env_prefix", "").upper() == prefix, (
            f"{settings.__qualname__} does not read the prefix {prefix}"
        )
        assert field in settings.model_fields, (
            f"{name}: {variable} names no field {field!r} of {settings.__module__}."
            f"{settings.__qualname__}"
        )


@pytest.mark.parametrize("name", lapor_services())
def test_every_lapor_variable_a_service_sets_validates(
    name: str, clean_environment: pytest.MonkeyPatch
):
    variables = lapor_environment(name)
    for variable, value in variables.items():
        clean_environment.setenv(variable, value)
    classes = {CommonSettings}
    classes |= {setting_for(variable)[0] for variable in variables}
    if name in APP_PORTS:  # the service reads its own settings even when compose sets none
        classes.add(context_settings(name))
    for settings_class in classes:
        try:
            settings = settings_class()
        except ValidationError as error:
            owner = settings_class.__qualname__
            pytest.fail(f"{name}: {owner} rejects the compose values:\n{error}")
        for variable, raw in variables.items():
            owner, field, _ = setting_for(variable)
            if owner is settings_class:
                parsed = getattr(settings, field)
                assert same_value(parsed, raw), f"{name}: {variable}={raw!r} was read as {parsed!r}"


def test_every_lapor_variable_the_image_sets_is_a_setting(clean_environment: pytest.MonkeyPatch):
    for variable, value in dockerfile_env().items():
        if variable.startswith("LAPOR_"):
            settings, field, _ = setting_for(variable)
            assert field in settings.model_fields, f"Dockerfile: {variable} is no setting"
            clean_environment.setenv(variable, value)
            assert same_value(getattr(settings(), field), value), variable


@pytest.mark.parametrize("context", APP_PORTS)
def test_each_service_publishes_its_own_port_and_checks_its_health_there(context: str):
    port = int(environment(context)[f"LAPOR_{context.upper()}_PORT"])
    design = APP_PORTS[context]
    assert port == design, f"{context} listens on {port}, the design says {design}"
    published = published_ports(context)
    assert published == [(port, port)], f"{context} publishes {published}, listens on {port}"
    url = urlsplit(healthcheck_url(context))
    assert (url.hostname, url.port, url.path) == ("127.0.0.1", port, "/health/ready"), url.geturl()


@pytest.mark.parametrize("context", APP_PORTS)
def test_each_service_listens_on_every_interface_of_its_container(context: str):
    assert environment(context)[f"LAPOR_{context.upper()}_HOST"] == "0.0.0.0"


@pytest.mark.parametrize("context", APP_PORTS)
def test_each_healthcheck_needs_only_the_python_of_the_slim_image(context: str):
    test = services()[context]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"], test


@pytest.mark.parametrize("edge", EDGES)
def test_each_edge_publishes_its_port_and_checks_its_readiness_there(edge: str):
    port, prefix, _ = EDGES[edge]
    assert environment(edge)[f"LAPOR_{prefix}_PORT"] == str(port)
    assert environment(edge)[f"LAPOR_{prefix}_HOST"] == "0.0.0.0"
    assert published_ports(edge) == [(port, port)]
    url = urlsplit(healthcheck_url(edge))
    assert (url.hostname, url.port, url.path) == ("127.0.0.1", port, "/health/ready")


def test_the_email_adapter_sends_through_the_smtp_sink_after_intake_is_healthy():
    name, port = SMTP_SINK
    env = environment("email-adapter")
    assert (env["LAPOR_EMAIL_SMTP_HOST"], int(env["LAPOR_EMAIL_SMTP_PORT"])) == (name, port)
    assert urlsplit(env["LAPOR_EMAIL_INTAKE_URL"]).hostname == "intake"
    waits = depends_on("email-adapter")
    assert (waits.get("intake"), waits.get(name)) == ("service_healthy", "service_healthy")
    assert published_ports(name) == [(port, port)]
    assert "--port" in services()[name]["command"]
    assert str(port) in services()[name]["command"]


def test_the_email_adapters_vault_token_is_a_documented_adapter_token():
    token = environment("email-adapter")["LAPOR_EMAIL_VAULT_TOKEN"]
    assert documented_tokens().get(token) == "adapter"


def test_the_whatsapp_adapter_and_its_stand_in_share_the_development_secrets():
    name, port = WHATSAPP_GRAPH
    adapter, graph = environment("whatsapp-adapter"), environment(name)
    assert urlsplit(adapter["LAPOR_WHATSAPP_GRAPH_URL"]).netloc == f"{name}:{port}"
    for key in ("APP_SECRET", "ACCESS_TOKEN", "PHONE_NUMBER_ID"):
        assert adapter[f"LAPOR_WHATSAPP_{key}"] == graph[f"LAPOR_WHATSAPP_{key}"]
    assert documented_tokens().get(adapter["LAPOR_WHATSAPP_VAULT_TOKEN"]) == "adapter"
    command = services()[name]["command"]
    assert command[command.index("--webhook-url") + 1] == "http://whatsapp-adapter:8109/webhook"
    assert depends_on("whatsapp-adapter").get(name) == "service_healthy"


def test_every_dependency_names_a_service():
    for name in services():
        unknown = set(depends_on(name)) - set(services())
        assert not unknown, f"{name} depends on unknown services {sorted(unknown)}"


@pytest.mark.parametrize("context", APP_PORTS)
def test_each_service_waits_for_kafka_postgres_and_the_topics(context: str):
    waits = depends_on(context)
    assert {dep: waits.get(dep) for dep in APP_WAITS_FOR} == APP_WAITS_FOR


def test_the_topic_job_waits_for_a_healthy_broker():
    assert depends_on("topics").get("kafka") == "service_healthy"


def test_every_condition_waited_for_can_happen():
    for name in services():
        for dep, condition in depends_on(name).items():
            if condition == "service_healthy":
                assert "healthcheck" in services()[dep], f"{name} waits for {dep}, which has none"


def test_services_reach_the_broker_on_its_internal_listener():
    kafka = environment("kafka")
    advertised = {urlsplit(url).netloc for url in kafka["KAFKA_ADVERTISED_LISTENERS"].split(",")}
    for name in set(lapor_services()) - {SMTP_SINK[0], WHATSAPP_GRAPH[0]}:  # no broker there
        servers = environment(name)["LAPOR_KAFKA_BOOTSTRAP_SERVERS"]
        assert set(servers.split(",")) <= advertised, f"{name}: {servers} is not {advertised}"


def test_the_broker_creates_no_topics_and_rebalances_at_once():
    kafka = environment("kafka")
    assert services()["kafka"]["image"].startswith("apache/kafka:4.")
    assert kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert kafka["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == "0"
    assert kafka["KAFKA_PROCESS_ROLES"] == "broker,controller"


def test_services_log_in_to_the_postgres_service_as_its_superuser():
    postgres = environment("postgres")
    for context in APP_PORTS:
        url = urlsplit(environment(context)["LAPOR_DATABASE_URL"])
        assert url.scheme == "postgresql"
        assert url.hostname == "postgres" and (url.port or 5432) == 5432, url.geturl()
        assert (url.username, url.password) == (
            postgres["POSTGRES_USER"],
            postgres["POSTGRES_PASSWORD"],
        ), f"{context} logs in as another user than postgres's POSTGRES_USER"


@pytest.mark.parametrize("context", APP_PORTS)
def test_each_service_knows_the_development_tokens_by_digest_and_role(context: str):
    tokens = auth_tokens(context)
    assert isinstance(tokens, dict) and tokens, "LAPOR_AUTH_TOKENS must be a non-empty JSON object"
    for token_digest, role in tokens.items():
        assert re.fullmatch(r"[0-9a-f]{64}", token_digest), f"{token_digest!r} is no SHA-256 hex"
        assert is_role(role), f"{role!r} is no role"
    assert set(tokens.values()) >= {"adapter", "admin", "analyst", "notification", "skpd:PDAM"}


def test_the_documented_development_tokens_are_the_ones_compose_accepts():
    documented = {digest(token): role for token, role in documented_tokens().items()}
    for context in APP_PORTS:
        assert auth_tokens(context) == documented, f"{context} vs deploy/dev-tokens.md"
    compose_text = COMPOSE.read_text(encoding="utf-8")
    for token in documented_tokens():
        assert token in compose_text, f"the compose file's comment does not name {token}"


def test_the_image_entrypoint_is_the_lapor_script_of_the_project():
    assert dockerfile_exec_form("ENTRYPOINT") == ["lapor"]
    scripts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts.get("lapor") == "services.cli.main:app"


def test_the_image_runs_as_a_non_root_user():
    users = dockerfile_instruction("USER")
    assert users, "deploy/Dockerfile never leaves root"
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_the_image_exposes_every_service_port():
    ports = [port for args in dockerfile_instruction("EXPOSE") for port in args.split()]
    exposed = {int(port.split("/")[0]) for port in ports}
    assert exposed == set(APP_PORTS.values())


def test_the_image_installs_the_project_without_dev_extras():
    runs = " ".join(dockerfile_instruction("RUN"))
    assert re.search(r"pip install (--\S+ )*\.(\s|$)", runs), "the image does not `pip install .`"
    assert "[dev]" not in runs
    assert dockerfile_instruction("FROM")[0] == "python:3.11-slim"


# --- the secure profile: docker-compose.secure.yml over docker-compose.yml ---------------------

SECURE = ROOT / "docker-compose.secure.yml"
INTERPOLATION = re.compile(r"\$\{([A-Z0-9_]+)(?::?[-?][^}]*)?\}")


def _merge(base: Any, override: Any) -> Any:
    """Compose's merge of an override file: mappings merge, volumes and ports add up."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            if key in ("volumes", "ports") and isinstance(value, list):
                merged[key] = [*(base.get(key) or []), *value]
            else:
                merged[key] = _merge(base.get(key), value) if key in base else value
        return merged
    return override


@cache
def secure_env() -> dict[str, str]:
    """What `lapor kafka-access compose-env` prints (the operator's .env)."""
    from services.cli.kafka_access import compose_env

    return compose_env()


def _interpolate(value: Any) -> Any:
    if isinstance(value, str):
        return INTERPOLATION.sub(lambda m: secure_env()[m.group(1)], value)
    if isinstance(value, dict):
        return {key: _interpolate(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_interpolate(item) for item in value]
    return value


@cache
def secure_compose() -> dict[str, Any]:
    override = yaml.safe_load(SECURE.read_text(encoding="utf-8"))
    return _interpolate(_merge(compose(), override))


def secure_environment(name: str) -> dict[str, str]:
    env = secure_compose()["services"][name].get("environment") or {}
    return {key: "" if value is None else str(value) for key, value in env.items()}


def secure_lapor_services() -> list[str]:
    return [n for n, svc in secure_compose()["services"].items() if svc.get("image") == IMAGE]


def test_the_secure_profile_needs_exactly_the_variables_compose_env_prints():
    used = set(INTERPOLATION.findall(SECURE.read_text(encoding="utf-8")))
    assert used == set(secure_env())
    assert ".env" in (ROOT / ".gitignore").read_text().split(), ".env holds passwords: ignore it"


def test_the_secure_broker_speaks_only_sasl_scram_and_refuses_what_no_acl_allows():
    kafka = secure_environment("kafka")
    protocols = dict(
        pair.split(":") for pair in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
    )
    for listener in kafka["KAFKA_ADVERTISED_LISTENERS"].split(","):
        assert protocols[listener.split(":")[0]] == "SASL_PLAINTEXT", listener
    assert kafka["KAFKA_SASL_ENABLED_MECHANISMS"] == "SCRAM-SHA-512"
    assert kafka["KAFKA_AUTHORIZER_CLASS_NAME"].endswith("metadata.authorizer.StandardAuthorizer")
    assert kafka["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert "User:admin" in kafka["KAFKA_SUPER_USERS"].split(";")
    inter_broker = kafka["KAFKA_INTER_BROKER_LISTENER_NAME"].lower()
    jaas = kafka[f"KAFKA_LISTENER_NAME_{inter_broker.upper()}_SCRAM___SHA___512_SASL_JAAS_CONFIG"]
    password = secure_env()["LAPOR_KAFKA_ADMIN_PASSWORD"]
    assert f'username="admin" password="{password}";' in jaas
    assert kafka["SCRAM_ADMIN_PASSWORD"] == password


def test_the_secure_broker_is_formatted_with_the_admin_credential_before_it_starts():
    kafka = secure_compose()["services"]["kafka"]
    script = kafka["command"][-1]
    mounts = {target: source for source, target, *_ in (v.split(":") for v in kafka["volumes"])}
    text = (ROOT / mounts[script]).read_text()
    assert "--add-scram" in text and "name=admin,password=$SCRAM_ADMIN_PASSWORD" in text
    assert text.rstrip().endswith("exec /etc/kafka/docker/run")  # then the image's own start
    assert "--command-config" in " ".join(kafka["healthcheck"]["test"])


@pytest.mark.parametrize("context", APP_PORTS)
def test_each_secure_service_logs_in_as_its_own_principal_once_principals_exist(context: str):
    env = secure_environment(context)
    assert env["LAPOR_KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
    assert env["LAPOR_KAFKA_USERNAME"] == context
    assert env["LAPOR_KAFKA_PASSWORD"] == secure_env()[f"LAPOR_KAFKA_{context.upper()}_PASSWORD"]
    deps = secure_compose()["services"][context]["depends_on"]
    assert deps["kafka-access"]["condition"] == "service_completed_successfully"


def test_the_access_job_gives_each_service_the_password_the_service_logs_in_with():
    from services.cli.kafka_access import preset_env_name

    job = secure_environment("kafka-access")
    for context in APP_PORTS:
        assert job[preset_env_name(context)] == secure_environment(context)["LAPOR_KAFKA_PASSWORD"]
    assert job["LAPOR_KAFKA_USERNAME"] == secure_environment("topics")["LAPOR_KAFKA_USERNAME"]
    assert job["LAPOR_KAFKA_USERNAME"] == "admin"
    waits = secure_compose()["services"]["kafka-access"]["depends_on"]
    assert waits["topics"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("name", ["topics", "kafka-access", *APP_PORTS])
def test_every_lapor_variable_of_the_secure_profile_validates(
    name: str, clean_environment: pytest.MonkeyPatch
):
    assert name in secure_lapor_services()
    variables = {k: v for k, v in secure_environment(name).items() if k.startswith("LAPOR_")}
    for variable, value in variables.items():
        clean_environment.setenv(variable, value)
    for variable, raw in variables.items():
        owner, field, _ = setting_for(variable)
        assert field in owner.model_fields, f"{name}: {variable} is no setting"
        assert same_value(getattr(owner(), field), raw), f"{name}: {variable}"
    parse_lapor_command_line(secure_compose()["services"][name]["command"])


@pytest.mark.parametrize("face", FACE_PORTS)
def test_each_face_serves_publishes_its_port_and_checks_its_health_there(face: str):
    port = FACE_PORTS[face]
    assert services()[face]["command"] == ["serve", face]
    assert published_ports(face) == [(port, port)]
    assert urlsplit(healthcheck_url(face)).port == port
    assert environment(face)[f"LAPOR_{face.upper()}_HOST"] == "0.0.0.0"


@pytest.mark.parametrize("face", FACE_PORTS)
def test_each_face_calls_the_services_by_their_compose_names_once_they_are_healthy(face: str):
    env = environment(face)
    for context in ("intake", "routing", "tracking"):
        url = urlsplit(env[f"LAPOR_{context.upper()}_URL"])
        assert (url.hostname, url.port) == (context, APP_PORTS[context])
        assert depends_on(face)[context] == "service_healthy"


def test_the_faces_submit_and_read_with_documented_development_tokens():
    known = documented_tokens()
    for variable in ("LAPOR_WEB_ADAPTER_TOKEN", "LAPOR_WEB_ANALYST_TOKEN"):
        assert known[environment("web")[variable]] in ("adapter", "analyst")
    assert known[environment("open311")["LAPOR_OPEN311_ADAPTER_TOKEN"]] == "adapter"


# --- replicas ----------------------------------------------------------------------------------


@pytest.mark.parametrize("context", APP_PORTS)
def test_each_service_can_run_more_replicas_that_publish_no_host_port(context: str):
    replica = services()[f"{context}-replica"]
    assert replica["command"] == services()[context]["command"] == ["serve", context]
    assert "ports" not in replica, f"{context}-replica: a fixed host port stops a second replica"
    assert replica["deploy"]["replicas"] >= 1
    assert replica["healthcheck"] == services()[context]["healthcheck"]
    assert depends_on(f"{context}-replica") == APP_WAITS_FOR


@pytest.mark.parametrize("context", APP_PORTS)
def test_replicas_join_the_consumer_groups_and_databases_of_their_service(context: str):
    replica, first = environment(f"{context}-replica"), environment(context)
    assert replica == first  # same instance name: same groups, same databases, same settings


def test_replicas_are_opt_in_so_a_laptop_runs_one_of_each_by_default():
    for context in APP_PORTS:
        assert services()[f"{context}-replica"].get("profiles") == ["replicas"]
        assert "profiles" not in services()[context]


# --- tokens as events: the database/topic-backed tokens, not a file nobody shares ---------------

SIGNS_IN = (*APP_PORTS, *(f"{context}-replica" for context in APP_PORTS), "web")


@pytest.mark.parametrize("name", SIGNS_IN)
def test_every_service_replica_and_the_web_face_read_the_token_topic_and_no_tokens_file(
    name: str, clean_environment: pytest.MonkeyPatch
):
    env = lapor_environment(name)
    assert "LAPOR_AUTH_TOKENS_FILE" not in env, f"{name}: a tokens file is not shared by replicas"
    for variable, value in env.items():
        clean_environment.setenv(variable, value)
    common = CommonSettings()
    assert common.auth_tokens_topic and common.auth_tokens_file is None, name
    assert env["LAPOR_KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092", f"{name} cannot reach the topic"


def test_the_topic_job_creates_the_token_topic_compacted():
    from shared import topics
    from shared.messaging.admin import COMPACTED_TOPICS, project_topics

    assert services()["topics"]["command"] == ["dev", "topics"]
    assert topics.TOKENS in project_topics() and topics.TOKENS in COMPACTED_TOPICS
    for name in SIGNS_IN:
        waits = depends_on(name)
        assert waits.get("topics") == APP_WAITS_FOR["topics"] or all(
            depends_on(dep).get("topics") == APP_WAITS_FOR["topics"] for dep in waits
        ), f"{name} may start before lapor.tokens.v1 exists"


def test_the_compose_file_shows_how_to_issue_and_revoke_in_the_containers():
    text = COMPOSE.read_text(encoding="utf-8")
    for command in ("issue", "revoke", "list"):
        line = re.search(rf"docker compose exec intake lapor tokens {command}\b(.*)", text)
        assert line, f"the compose file's comment does not show `lapor tokens {command}`"
        parse_lapor_command_line(["tokens", command, *shlex.split(line.group(1))])


def test_the_secure_web_face_reads_the_token_topic_as_its_own_principal():
    from services.cli.kafka_access import preset_env_name
    from shared.messaging.principals import face_principal_name

    env = secure_environment("web")
    principal = face_principal_name("web")
    assert env["LAPOR_KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
    assert env["LAPOR_KAFKA_USERNAME"] == principal
    password = secure_environment("kafka-access")[preset_env_name(principal)]
    assert env["LAPOR_KAFKA_PASSWORD"] == password == secure_env()["LAPOR_KAFKA_WEB_PASSWORD"]
    waits = secure_compose()["services"]["web"]["depends_on"]
    assert waits["kafka-access"]["condition"] == "service_completed_successfully"
