# Stand-in for redis:7 (deploy/standins/README.md): compose.yaml's command (`redis-server --save … --appendonly
# yes`), listening on the compose network as the official image does, data in /data.
ARG BASE_IMAGE=reemploi-base:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends redis-server \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data && chown redis:redis /data
WORKDIR /data
EXPOSE 6379
ENTRYPOINT ["sh", "-c", "exec setpriv --reuid redis --regid redis --init-groups \"$@\" --bind 0.0.0.0 --protected-mode no --dir /data", "redis"]
CMD ["redis-server"]
