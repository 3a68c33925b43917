# Fogmap: one Streamlit server on port 8501.
#   docker build -t fogmap .
#   docker run --rm -p 8501:8501 fogmap      # then open http://localhost:8501
# See docs/deployment.md for several replicas behind a load balancer.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # BLAS on the thin matrices of EM is fastest (and steadiest) on one thread per
    # process; scale with more containers, not more threads.
    OPENBLAS_NUM_THREADS=1 \
    OMP_NUM_THREADS=1

WORKDIR /app

# Runtime dependencies only, at the versions the tests passed on: requirements.txt
# pins every package with its hashes (compiled from pyproject.toml by
# `python3 dev.py lock`; the test tools are in requirements-test.txt). Their own
# layer: it is rebuilt only when the lock changes, not on every code change.
COPY requirements.txt ./
RUN pip install --require-hashes -r requirements.txt \
    && rm requirements.txt

# A non-root user with a numeric id (Kubernetes' runAsNonRoot can check a number,
# not a name). The app writes nothing but Streamlit may look in ~/.streamlit.
RUN groupadd --gid 10001 fogmap \
    && useradd --uid 10001 --gid 10001 --create-home --shell /usr/sbin/nologin fogmap

# The app: Home, the pages, the two packages (with their data) and the config
# (.streamlit/config.toml: XSRF protection, upload limit, theme).
COPY --chown=root:root .streamlit/ .streamlit/
COPY --chown=root:root app.py ./
COPY --chown=root:root pages/ pages/
COPY --chown=root:root gmm_app/ gmm_app/
COPY --chown=root:root gmm_core/ gmm_core/
COPY --chown=root:root samples/ samples/

USER 10001:10001
EXPOSE 8501

# slim has no curl: ask Streamlit's health endpoint with the standard library.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4).status == 200 else 1)"]

# gmm_app.cli is the `fogmap` command: `streamlit run app.py` with scikit-learn and
# SciPy loaded before the server opens, so a new container's first student does
# not wait for them (and the health check passes only once they are loaded).
CMD ["python", "-m", "gmm_app.cli", \
     "--server.port=8501", "--server.address=0.0.0.0", "--server.headless=true", \
     "--browser.gatherUsageStats=false"]
