"""Remote hosting (R-SDK-7): any connector as a separate HTTP service, and a client
that implements the same `Connector` contract over it.

    app = create_app(DemoConnector, secret)            # the service (Starlette)
    connector = RemoteConnector(url, secret, timeout)  # the client (httpx)

`erpsync connector serve KEY` runs the service; `protocol` describes the wire format.
"""

from erpsync.sdk.remote.client import RemoteConnector
from erpsync.sdk.remote.running import serve, serving
from erpsync.sdk.remote.server import create_app

__all__ = ["RemoteConnector", "create_app", "serve", "serving"]
