# Stowage as a container, for machines with a registry: `npm run build && docker build -t stowage .`
# Without a registry, `npm run image` builds the same image offline: a debootstrapped Debian with the packages
# of the first stage, then the final stage below as it is (test/image.docker.test.ts checks they agree).
#
#   docker run --rm -v /var/run/docker.sock:/var/run/docker.sock stowage ls
#   docker run -d --name stowage -v /var/run/docker.sock:/var/run/docker.sock -v stowage-data:/var/lib/stowage \
#     -p 127.0.0.1:7780:7780 stowage daemon --listen 0.0.0.0:7780
#
# The executable (dist/stowage-linux-x64) is Node 24 with Stowage and its dashboard inside: no Node here.

FROM debian:bookworm-slim AS base
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates restic zstd \
 && rm -rf /var/lib/apt/lists/*

FROM base
COPY dist/stowage-linux-x64 /usr/local/bin/stowage
# Root, like the docker CLI: the engine's socket is root's (or the docker group's, whose ID differs per host).
USER root
ENV STOWAGE_DATA_DIR=/var/lib/stowage
WORKDIR /var/lib/stowage
EXPOSE 7780
ENTRYPOINT ["/usr/local/bin/stowage"]
CMD ["--help"]
