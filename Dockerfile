# The engine's image: the `outreach` CLI runs `migrate`, `api` or `worker`
# (see docker-compose.yml). Configuration comes from the environment (OUTREACH_*,
# TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first: this layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
RUN pip install --no-deps . \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin outreach \
    && mkdir -p /data \
    && chown outreach /data

USER outreach
ENV OUTREACH_DATA_DIR=/data
EXPOSE 8000

ENTRYPOINT ["outreach"]
CMD ["api", "--host", "0.0.0.0", "--port", "8000"]
