"""Emit runs to Kafka with the real OpenLineage Python client, for a Weft server that consumes the topic.

Usage: python emit_kafka.py WEFT_URL BOOTSTRAP_SERVERS TOPIC

Two runs, each a START then a COMPLETE:
- `python_kafka_job` through `KafkaTransport` alone (the client's own message keys,
  `run:{namespace}/{name}`), as Spark or Airflow configured for Kafka send them;
- `python_composite_job` through `CompositeTransport` over HTTP to WEFT_URL *and* Kafka,
  so each of its events reaches Weft twice and must be stored once.

Both runs read `shop.public.orders` and write `shop.public.kafka_totals`. Prints
`{"kafkaRunId": "...", "compositeRunId": "..."}` on stdout; the Rust test
`tests/tests/python_client.rs` reads the results back over HTTP.
"""

import json
import sys
from datetime import datetime, timezone

from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import schema_dataset
from openlineage.client.transport.composite import CompositeConfig, CompositeTransport
from openlineage.client.transport.kafka import KafkaConfig, KafkaTransport
from openlineage.client.uuid import generate_new_uuid

PRODUCER = "https://github.com/weft-catalog/weft/tree/main/tests/python"
NAMESPACE = "postgres://db:5432"
JOB_NAMESPACE = "weft-e2e"


def run_events(job_name: str) -> tuple[str, list[RunEvent]]:
    run_id = str(generate_new_uuid())
    orders = InputDataset(namespace=NAMESPACE, name="shop.public.orders")
    totals = OutputDataset(
        namespace=NAMESPACE,
        name="shop.public.kafka_totals",
        facets={
            "schema": schema_dataset.SchemaDatasetFacet(
                fields=[schema_dataset.SchemaDatasetFacetFields(name="total", type="DECIMAL")],
                producer=PRODUCER,
            )
        },
    )
    events = [
        RunEvent(
            eventType=state,
            eventTime=datetime.now(timezone.utc).isoformat(),
            run=Run(runId=run_id),
            job=Job(namespace=JOB_NAMESPACE, name=job_name),
            producer=PRODUCER,
            inputs=[orders],
            outputs=[totals],
        )
        for state in (RunState.START, RunState.COMPLETE)
    ]
    return run_id, events


def main() -> None:
    weft_url, bootstrap, topic = sys.argv[1], sys.argv[2], sys.argv[3]
    kafka = {"type": "kafka", "topic": topic, "config": {"bootstrap.servers": bootstrap, "acks": "all"}, "flush": True}

    kafka_client = OpenLineageClient(transport=KafkaTransport(KafkaConfig.from_dict(dict(kafka))))
    kafka_run, events = run_events("python_kafka_job")
    for event in events:
        kafka_client.emit(event)

    composite = CompositeTransport(
        CompositeConfig.from_dict(
            {
                "transports": [{"type": "http", "url": weft_url}, dict(kafka)],
                "continue_on_failure": False,
            }
        )
    )
    composite_client = OpenLineageClient(transport=composite)
    composite_run, events = run_events("python_composite_job")
    for event in events:
        composite_client.emit(event)

    print(json.dumps({"kafkaRunId": kafka_run, "compositeRunId": composite_run}))


if __name__ == "__main__":
    main()
