/**
 * The examples of Kubetorch's async guide (seed 004), written with Weft: scenarios K1 to K7 of the
 * conformance list. Each class is one program that deploys real worker processes on this machine
 * (the default back end, {@link dev.weft.remote.ComputeBackend#localProcesses()}), calls them and
 * tears them down before it returns.
 *
 * <p>How the Python maps to Weft:
 * <ul>
 *   <li>{@code kt.fn(f).to(compute)} is {@code Remote.fn(Cls::f).to(compute)} for a function that
 *       returns its value, {@code Remote.asyncFn(Cls::f)} for one that returns a
 *       {@code CompletionStage} (Python's {@code async def}); {@code kt.cls(C, name=...)} is
 *       {@code Remote.cls(C.class, "name")}, called through an interface {@code C} implements.
 *   <li>{@code .to_async(compute)} is {@code .toAsync(compute)}: a {@code CompletableFuture} of the
 *       handle, so {@code asyncio.gather} of deployments is {@code CompletableFuture.allOf}
 *       ({@link dev.weft.examples.kubetorch.K1ConcurrentDeploy}).
 *   <li>{@code fn(x)} blocks: {@code call(x)}. {@code fn(x, async_=True)} is {@code callAsync(x)};
 *       {@code fn.async_ = True} is {@code withAsyncDefault(true)}, whose {@code invoke(x)} is then
 *       async; the explicit forms win ({@link dev.weft.examples.kubetorch.K3CallModes}). Unlike a
 *       coroutine, {@code callAsync} sends the call at once, so {@code asyncio.create_task} needs
 *       nothing more ({@link dev.weft.examples.kubetorch.K5FireAndForget}).
 *   <li>{@code init_args}, {@code stream_logs} and {@code get_if_exists} are the deployment's
 *       {@code initArgs}, {@code streamLogs} and {@code getIfExists}
 *       ({@link dev.weft.examples.kubetorch.K2ClassService}).
 *   <li>On the worker, stage-returning functions run on its event loop ({@code weft-loop-N}) under
 *       the blocked-loop watchdog, the others on virtual threads ({@code weft-call}), as Kubetorch
 *       runs {@code async def} on its loop and {@code def} in a thread pool
 *       ({@link dev.weft.examples.kubetorch.K6ServerSide}).
 *   <li>{@code kt.Compute(cpus="0.5")} is {@code Compute.builder().cpus("0.5")}; each example also
 *       sets a memory limit and an inactivity TTL, so that workers of an example that was killed
 *       before its teardown stop by themselves.
 * </ul>
 *
 * <p>Services are registered where {@code ComputeBackend.localProcesses()} says
 * ({@code $WEFT_SERVICES_DIR}, else the {@code weft.services.dir} system property, else
 * {@code ~/.weft/services}); {@code weft services} lists any left running.
 */
package dev.weft.examples.kubetorch;
