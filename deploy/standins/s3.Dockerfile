# Stand-in for MinIO and its client (deploy/standins/README.md): moto's S3 server on port 9000 (compose.yaml's
# `server /data` arguments are ignored; moto keeps its objects in memory), and s3_buckets.py for `s3-buckets`.
ARG BASE_IMAGE=reemploi-base:bookworm
FROM ${BASE_IMAGE}
COPY requirements/dev.txt /standin/constraints.txt
RUN pip install --no-cache-dir -c /standin/constraints.txt "moto[server]"
COPY deploy/standins/s3_buckets.py /standin/s3_buckets.py
EXPOSE 9000
ENTRYPOINT ["sh", "-c", "exec python -m moto.server -H 0.0.0.0 -p 9000", "moto"]
