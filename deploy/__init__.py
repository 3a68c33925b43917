"""Serving Fogmap as it is deployed: nginx in front of Streamlit replicas."""
