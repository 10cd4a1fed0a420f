# zoo container: one Streamlit replica on port 8501, demo release built into the image.
#   docker build -t zoo .
#   docker run --rm -p 127.0.0.1:8501:8501 zoo
#   docker run ... -v /srv/zoo/secrets.toml:/app/.streamlit/secrets.toml:ro zoo   (login on)
# Not built on the development machine (no Docker engine there); see deploy/README.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8501 \
    ADDRESS=0.0.0.0 \
    ZOO_DB=/app/data/release.duckdb \
    ZOO_PYTHON=/usr/local/bin/python

RUN groupadd --system --gid 10001 zoo \
 && useradd --system --uid 10001 --gid zoo --home-dir /app --shell /usr/sbin/nologin zoo

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=root:root . .
# The demo release is built at image build time (read-only afterwards); data/ stays writable for
# the zoo user so a new release can be dropped in by atomic rename through a mounted volume. The
# build keeps no confidential base (--no-base): the image holds the release only.
RUN python -m zoo_core build --out /app/data/release.duckdb --no-base --quiet \
 && chown -R zoo:zoo /app/data \
 && chmod +x scripts/serve

USER zoo
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os,urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/_stcore/health' % os.environ.get('PORT','8501'), timeout=4).status == 200 else 1)"]
ENTRYPOINT ["/app/scripts/serve"]
