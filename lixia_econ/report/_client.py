"""The Jupyter client that report runs talk to their kernels with.

It is jupyter_client's :class:`~jupyter_client.asynchronous.AsyncKernelClient` with one
change: once the kernel has answered ``kernel_info`` (and IOPub is known to be connected),
``wait_for_ready`` drains the IOPub messages already there instead of waiting 0.2 s for
one more. jupyter_client waits that 0.2 s every time a client connects: papermill's client
of each report, and the warm kernel's reset before each report of a batch. Messages that
arrive later are not lost: nbclient reads IOPub by the request they answer.
"""

from __future__ import annotations

import math
import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient

__all__ = ["ReportKernelClient"]

#: Seconds the final IOPub drain waits for another message (jupyter_client: 0.2).
DRAIN_S = 0.01


class ReportKernelClient(AsyncKernelClient):
    """An async kernel client that does not idle 0.2 s after the kernel is ready."""

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        """Wait until the kernel answers on shell and IOPub, then drain IOPub.

        Only for clients made by a kernel manager (ours always are): jupyter_client's own
        version first polls the heartbeat of a kernel it did not start.
        """
        deadline = time.monotonic() + (math.inf if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:  # IOPub connected: the reply's status messages come through
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=DRAIN_S)
            except Empty:
                break

    wait_for_ready = _async_wait_for_ready
