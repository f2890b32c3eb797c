"""Writes thrift_footer_pyarrow.parquet: 5 rows, columns id int64 (required) and name string (optional),
ZSTD for id and SNAPPY for name, one row group, statistics on, dictionary encoding off for id."""
import os

import pyarrow as pa
import pyarrow.parquet as pq

here = os.path.dirname(os.path.abspath(__file__))
schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("name", pa.string())])
table = pa.table({"id": [1, 2, 3, 4, 5], "name": ["a", None, "ccc", "dd", "a"]}, schema=schema)
pq.write_table(
    table,
    os.path.join(here, "thrift_footer_pyarrow.parquet"),
    compression={"id": "zstd", "name": "snappy"},
    use_dictionary=["name"],
    write_statistics=True,
)
