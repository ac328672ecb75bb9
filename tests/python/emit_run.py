"""Emit one run (START, then COMPLETE) to a Weft server with the real OpenLineage Python client.

Usage: python emit_run.py http://127.0.0.1:PORT

The run reads `shop.public.orders` and writes `shop.public.order_totals`, whose
column lineage says `total <- DIRECT/AGGREGATION orders.amount` and
`customer <- DIRECT/IDENTITY orders.email`. Prints `{"runId": "..."}` on stdout.
The Rust test `tests/tests/python_client.rs` runs this script and reads the
result back over HTTP; everything else the client logs goes to stderr.
"""

import json
import sys
from datetime import datetime, timezone

from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import column_lineage_dataset, schema_dataset
from openlineage.client.transport.http import HttpConfig, HttpTransport
from openlineage.client.uuid import generate_new_uuid

PRODUCER = "https://github.com/weft-catalog/weft/tree/main/tests/python"
NAMESPACE = "postgres://db:5432"
JOB_NAMESPACE = "weft-e2e"
JOB_NAME = "python_client_job"
ORDERS = "shop.public.orders"
ORDER_TOTALS = "shop.public.order_totals"


def schema(*fields: tuple[str, str]) -> schema_dataset.SchemaDatasetFacet:
    return schema_dataset.SchemaDatasetFacet(
        fields=[schema_dataset.SchemaDatasetFacetFields(name=name, type=type_) for name, type_ in fields],
        producer=PRODUCER,
    )


def input_field(field: str, subtype: str) -> column_lineage_dataset.InputField:
    return column_lineage_dataset.InputField(
        namespace=NAMESPACE,
        name=ORDERS,
        field=field,
        transformations=[column_lineage_dataset.Transformation(type="DIRECT", subtype=subtype)],
    )


def datasets() -> tuple[list[InputDataset], list[OutputDataset]]:
    orders = InputDataset(
        namespace=NAMESPACE,
        name=ORDERS,
        facets={"schema": schema(("id", "INTEGER"), ("email", "VARCHAR"), ("amount", "DECIMAL"))},
    )
    column_lineage = column_lineage_dataset.ColumnLineageDatasetFacet(
        fields={
            "customer": column_lineage_dataset.Fields(inputFields=[input_field("email", "IDENTITY")]),
            "total": column_lineage_dataset.Fields(inputFields=[input_field("amount", "AGGREGATION")]),
        },
        producer=PRODUCER,
    )
    order_totals = OutputDataset(
        namespace=NAMESPACE,
        name=ORDER_TOTALS,
        facets={
            "schema": schema(("customer", "VARCHAR"), ("total", "DECIMAL")),
            "columnLineage": column_lineage,
        },
    )
    return [orders], [order_totals]


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: emit_run.py SERVER_URL", file=sys.stderr)
        return 2
    # The client would otherwise also read OPENLINEAGE_* variables and config files;
    # an explicit transport wins over all of them.
    client = OpenLineageClient(transport=HttpTransport(HttpConfig(url=sys.argv[1])))
    run = Run(runId=str(generate_new_uuid()))
    job = Job(namespace=JOB_NAMESPACE, name=JOB_NAME)
    inputs, outputs = datasets()
    for state in (RunState.START, RunState.COMPLETE):
        client.emit(
            RunEvent(
                eventType=state,
                eventTime=datetime.now(timezone.utc).isoformat(),
                run=run,
                job=job,
                inputs=inputs,
                outputs=outputs,
                producer=PRODUCER,
            )
        )
    client.close()
    print(json.dumps({"runId": run.runId}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
