# beamcheck's real-OTP driver: speaks docs/driver-protocol.md (JSON lines on stdin/stdout) and runs
# every command on the real Erlang/OTP runtime this script is started on. beamcheck compares what
# this driver observes with what its simulator observes, so the driver's job is to report what OTP
# does, canonically (no pids, refs or stack traces) and deterministically (the same requests give
# the same bytes in every run, also on a loaded machine).
#
# Runs unchanged on Elixir 1.14 / OTP 25 and Elixir 1.18 / OTP 27: `elixir drivers/elixir/driver.exs`
# (scripts/oracle-run.sh starts either one, with scheduler busy-waiting off, which keeps the VM
# responsive on a loaded machine). The code keeps to features of both versions; named functions
# wrap every `receive` (OTP 25's compiler crashed on a receive inside a comprehension).
#
# How the observations are made (the protocol doc's "Determinism on a real runtime" in detail):
#
# * Case processes. Everything a case starts is spawned by a process whose group leader is
#   `Beamcheck.CaseGroup` (a permanent process forwarding IO to stderr); children inherit it. `reset`
#   kills every process with that group leader (exit :kill, waiting for each DOWN) and starts
#   afresh, so one VM serves any number of cases and nothing of a case can reach the next one.
# * Recorder. `Beamcheck.Recorder` (a case process that traps exits) numbers incarnations and
#   records the events. A worker links itself to the recorder (a synchronous call) *before* its
#   start is recorded, so its death always arrives as an `{:EXIT, pid, reason}`; supervisors link
#   the same way from their init/1. Reports (`start_failed`, `terminate`, supervisor reports) are
#   synchronous calls, so they are recorded before their sender goes on. Before recording a report
#   from a live process, the recorder first records the exit of every tracked process that is
#   already dead (it waits for their EXITs): those deaths happened before the report was sent, so
#   this keeps causal order even if a link signal is late. EXITs themselves are recorded in
#   arrival order. When the events are taken, it waits for the EXIT of every dead tracked process.
# * Concurrent deaths. A supervisor that is killed (`killed`/`kill`) does not shut its children
#   down: its descendants die concurrently and a real BEAM gives their events no order. The
#   recorder collects the events of those descendants (a group anchored at the supervisor's
#   `sup_exit`) and, when the events are taken, emits them right after that `sup_exit`, ordered by
#   process name (each process's own events in their order). Events of other processes follow the
#   group, whenever they happened: so two supervisors killed one after the other give two groups
#   in kill order, however their descendants' deaths interleave.
# * Supervisor reports. A `:logger` handler (all other handlers and primary filters removed, so
#   nothing is printed) turns `%{label: {:supervisor, ctx}}` error reports into
#   `["report", ctx, offender_id, reason]` events by a call to the recorder from the reporting
#   supervisor's own process.
# * Barriers after each command, in this order: the processes the command stopped are monitored
#   and their DOWN awaited (a target that may survive is probed with `:sys.get_state` first);
#   tasks woken by the command have finished (their DOWN was awaited when they were woken); the
#   task owner answers a ping and the Task.Supervisor a `:sys.get_state`; every registry
#   partition answers `:sys.get_state`; the
#   supervision tree is walked with `which_children` (each call is a barrier: the supervisor has
#   handled every earlier message, a restart happens inside one message) until two walks agree
#   and no child is `:restarting`; then the recorder hands over the events. No step sleeps.
# * Time. `advance` sleeps exactly its `ms`. A `call` waits until the worker has finished handling
#   the request, even after the caller timed out, so the worker is idle afterwards. Tasks sleep on
#   a virtual *task clock* kept by the driver (see Beamcheck.Tasks): a task waits for `:wake`, sent
#   when the clock reaches its deadline; the clock moves only in `advance`, `call` and
#   `task_await`/`task_yield`, waking due tasks one by one at their real offsets inside the
#   command. Stalls between commands therefore change nothing; what remains real is the margin
#   between a timeout and a deadline inside one command (and between a call's timeout and the
#   worker's sleep, or a shutdown timeout and a slow terminate/2).
#
# Term encoding: src/term/json.ts. JSON: Elixir's `JSON` module where it exists (1.18), else the
# small codec below; objects have sorted keys either way (maps of under 33 keys iterate in key
# order), so the output bytes are stable.

defmodule Beamcheck.Json do
  @moduledoc "JSON lines: Elixir's JSON module when present (1.18+), otherwise a small codec."

  def init do
    :persistent_term.put({__MODULE__, :module}, if(Code.ensure_loaded?(JSON), do: JSON, else: nil))
  end

  defp json_module, do: :persistent_term.get({__MODULE__, :module})

  def decode(line) do
    case json_module() do
      nil -> decode_own(line)
      mod -> mod.decode(line)
    end
  end

  def encode(value) do
    case json_module() do
      nil -> IO.iodata_to_binary(enc(value))
      mod -> mod.encode!(value)
    end
  end

  # ---- encoder: nil, booleans, numbers, binaries, lists, maps with binary keys (sorted)
  def encode_own(value), do: IO.iodata_to_binary(enc(value))

  defp enc(nil), do: "null"
  defp enc(true), do: "true"
  defp enc(false), do: "false"
  defp enc(n) when is_integer(n), do: Integer.to_string(n)
  defp enc(f) when is_float(f), do: Float.to_string(f)
  defp enc(s) when is_binary(s), do: [?", escape(s, []), ?"]
  defp enc(list) when is_list(list), do: [?[, Enum.map_intersperse(list, ?,, &enc/1), ?]]

  defp enc(map) when is_map(map) do
    pairs = map |> Map.to_list() |> Enum.sort() |> Enum.map(fn {k, v} -> [enc(k), ?:, enc(v)] end)
    [?{, Enum.intersperse(pairs, ?,), ?}]
  end

  defp escape(<<>>, acc), do: Enum.reverse(acc)
  defp escape(<<?", rest::binary>>, acc), do: escape(rest, ["\\\"" | acc])
  defp escape(<<?\\, rest::binary>>, acc), do: escape(rest, ["\\\\" | acc])
  defp escape(<<?\n, rest::binary>>, acc), do: escape(rest, ["\\n" | acc])
  defp escape(<<?\r, rest::binary>>, acc), do: escape(rest, ["\\r" | acc])
  defp escape(<<?\t, rest::binary>>, acc), do: escape(rest, ["\\t" | acc])
  defp escape(<<?\b, rest::binary>>, acc), do: escape(rest, ["\\b" | acc])
  defp escape(<<?\f, rest::binary>>, acc), do: escape(rest, ["\\f" | acc])

  defp escape(<<c, rest::binary>>, acc) when c < 0x20 do
    hex = c |> Integer.to_string(16) |> String.pad_leading(4, "0")
    escape(rest, ["\\u" <> hex | acc])
  end

  defp escape(<<c, rest::binary>>, acc), do: escape(rest, [c | acc])

  # ---- decoder: objects become maps with binary keys
  defp decode_own(line) do
    {value, rest} = value(ws(line))

    case ws(rest) do
      "" -> {:ok, value}
      _ -> {:error, :trailing_data}
    end
  catch
    :invalid -> {:error, :invalid}
  end

  defp ws(<<c, rest::binary>>) when c in [?\s, ?\t, ?\n, ?\r], do: ws(rest)
  defp ws(bin), do: bin

  defp value(<<?{, rest::binary>>), do: object(ws(rest))
  defp value(<<?[, rest::binary>>), do: array(ws(rest))
  defp value(<<?", rest::binary>>), do: string(rest, [])
  defp value(<<"true", rest::binary>>), do: {true, rest}
  defp value(<<"false", rest::binary>>), do: {false, rest}
  defp value(<<"null", rest::binary>>), do: {nil, rest}
  defp value(<<c, _::binary>> = bin) when c == ?- or c in ?0..?9, do: number(bin)
  defp value(_), do: throw(:invalid)

  defp object(<<?}, rest::binary>>), do: {%{}, rest}
  defp object(bin), do: members(bin, %{})

  defp members(<<?", rest::binary>>, acc) do
    {key, rest} = string(rest, [])
    {value, rest} = rest |> ws() |> colon() |> ws() |> value()
    acc = Map.put(acc, key, value)

    case ws(rest) do
      <<?,, rest::binary>> -> members(ws(rest), acc)
      <<?}, rest::binary>> -> {acc, rest}
      _ -> throw(:invalid)
    end
  end

  defp members(_, _), do: throw(:invalid)

  defp colon(<<?:, rest::binary>>), do: rest
  defp colon(_), do: throw(:invalid)

  defp array(<<?], rest::binary>>), do: {[], rest}
  defp array(bin), do: elements(bin, [])

  defp elements(bin, acc) do
    {value, rest} = value(bin)

    case ws(rest) do
      <<?,, rest::binary>> -> elements(ws(rest), [value | acc])
      <<?], rest::binary>> -> {Enum.reverse([value | acc]), rest}
      _ -> throw(:invalid)
    end
  end

  defp string(bin, acc) do
    case :binary.match(bin, ["\"", "\\"]) do
      :nomatch ->
        throw(:invalid)

      {pos, 1} ->
        <<chunk::binary-size(pos), mark, rest::binary>> = bin
        if mark == ?", do: {IO.iodata_to_binary(Enum.reverse([chunk | acc])), rest}, else: unescape(rest, [chunk | acc])
    end
  end

  @simple_escapes %{?" => "\"", ?\\ => "\\", ?/ => "/", ?b => "\b", ?f => "\f", ?n => "\n", ?r => "\r", ?t => "\t"}

  defp unescape(<<?u, a::binary-size(4), ?\\, ?u, b::binary-size(4), rest::binary>>, acc)
       when a >= "D800" and a < "DC00" do
    hi = hex(a)
    lo = hex(b)
    string(rest, [<<0x10000 + (hi - 0xD800) * 0x400 + (lo - 0xDC00)::utf8>> | acc])
  end

  defp unescape(<<?u, a::binary-size(4), rest::binary>>, acc), do: string(rest, [<<hex(a)::utf8>> | acc])

  defp unescape(<<c, rest::binary>>, acc) do
    case Map.fetch(@simple_escapes, c) do
      {:ok, s} -> string(rest, [s | acc])
      :error -> throw(:invalid)
    end
  end

  defp unescape(_, _), do: throw(:invalid)

  defp hex(digits) do
    case Integer.parse(digits, 16) do
      {n, ""} -> n
      _ -> throw(:invalid)
    end
  end

  defp number(bin) do
    {text, rest} = take_number(bin, [])

    cond do
      String.contains?(text, [".", "e", "E"]) ->
        case Float.parse(text) do
          {f, ""} -> {f, rest}
          _ -> throw(:invalid)
        end

      true ->
        case Integer.parse(text) do
          {n, ""} -> {n, rest}
          _ -> throw(:invalid)
        end
    end
  end

  defp take_number(<<c, rest::binary>>, acc) when c in ?0..?9 or c in [?-, ?+, ?., ?e, ?E],
    do: take_number(rest, [c | acc])

  defp take_number(rest, acc), do: {acc |> Enum.reverse() |> List.to_string(), rest}
end

defmodule Beamcheck.Names do
  @moduledoc "Stable names for the case's pids (an ETS table owned by the driver, cleared by reset)."
  @table :beamcheck_names

  def init, do: :ets.new(@table, [:named_table, :public, :set])
  def put(pid, name), do: :ets.insert(@table, {pid, name})
  def clear, do: :ets.delete_all_objects(@table)

  def get(pid) do
    case :ets.lookup(@table, pid) do
      [{_, name}] -> name
      [] -> "?"
    end
  end

  @doc "The live process named `name` (`ID#N`, `task:NAME`, …), or nil."
  def live(name) do
    @table |> :ets.match({:"$1", name}) |> Enum.map(&hd/1) |> Enum.find(&Process.alive?/1)
  end

  @doc "A process named `name`, alive or not (the newest first), or nil."
  def any(name) do
    case live(name) do
      nil -> @table |> :ets.match({:"$1", name}) |> Enum.map(&hd/1) |> List.first()
      pid -> pid
    end
  end
end

defmodule Beamcheck.Canon do
  @moduledoc """
  Terms to their canonical JSON (docs/driver-protocol.md, "Canonical terms"): pids become their
  stable names, refs `{"ref": "?"}`, exceptions the map of `__struct__` and `message`, and the
  stack trace of a `{reason, stacktrace}` pair the empty list.
  """
  alias Beamcheck.Names

  @max_safe 9_007_199_254_740_991

  def term(x) when is_boolean(x), do: x
  def term(nil), do: "nil"
  def term(x) when is_atom(x), do: Atom.to_string(x)
  def term(x) when is_integer(x) and abs(x) <= @max_safe, do: x
  def term(x) when is_integer(x), do: %{"int" => Integer.to_string(x)}
  def term(x) when is_float(x) and x == trunc(x) and abs(x) <= @max_safe, do: %{"float" => trunc(x)}
  def term(x) when is_float(x), do: x
  def term(x) when is_binary(x), do: %{"bin" => if(String.valid?(x), do: x, else: inspect(x))}
  def term(x) when is_pid(x), do: %{"pid" => Names.get(x)}
  def term(x) when is_reference(x), do: %{"ref" => "?"}
  def term(x) when is_port(x), do: %{"port" => "?"}
  def term(x) when is_function(x), do: %{"fun" => fun_name(x)}
  def term(x) when is_exception(x), do: exception(x)
  def term({reason, stack}) when is_list(stack) and stack != [], do: pair(reason, stack)
  def term(x) when is_tuple(x), do: %{"tuple" => x |> Tuple.to_list() |> Enum.map(&term/1)}
  def term(x) when is_list(x), do: list(x, [])

  def term(x) when is_map(x) do
    entries = x |> Map.to_list() |> Enum.sort_by(&elem(&1, 0)) |> Enum.map(fn {k, v} -> [term(k), term(v)] end)
    %{"map" => entries}
  end

  defp pair(reason, stack) do
    second = if stacktrace?(stack), do: [], else: term(stack)
    %{"tuple" => [term(reason), second]}
  end

  defp exception(e) do
    message =
      try do
        Exception.message(e)
      rescue
        _ -> inspect(e)
      end

    %{"map" => [["__struct__", term(e.__struct__)], ["message", term(runtime_free(message))]]}
  end

  # Pids and references printed inside a message are runtime identities too.
  defp runtime_free(message) do
    message
    |> String.replace(~r/#PID<\d+\.\d+\.\d+>/, "#PID<?>")
    |> String.replace(~r/#Reference<[\d.]+>/, "#Reference<?>")
  end

  @doc "`{\"raise\": EXC}`: what a command answers when the function it calls raises."
  def raised(e), do: %{"raise" => term(e)}

  defp list([], acc), do: Enum.reverse(acc)
  defp list([h | t], acc), do: list(t, [term(h) | acc])
  defp list(tail, acc), do: %{"improper" => Enum.reverse(acc), "tail" => term(tail)}

  defp stacktrace?(list), do: Enum.all?(list, &frame?/1)

  defp frame?({m, f, a, loc}) when is_atom(m) and is_atom(f) and (is_integer(a) or is_list(a)) and is_list(loc), do: true
  defp frame?({fun, a, loc}) when is_function(fun) and (is_integer(a) or is_list(a)) and is_list(loc), do: true
  defp frame?(_), do: false

  defp fun_name(f) do
    {:name, name} = Function.info(f, :name)
    Atom.to_string(name)
  end
end

defmodule Beamcheck.Decode do
  @moduledoc "Protocol values to Erlang terms: the term encoding, reason specs, timeouts, trees."

  def term(s) when is_binary(s), do: String.to_atom(s)
  def term(b) when is_boolean(b), do: b
  def term(n) when is_number(n), do: n
  def term(list) when is_list(list), do: Enum.map(list, &term/1)
  def term(%{"tuple" => items}) when is_list(items), do: items |> Enum.map(&term/1) |> List.to_tuple()
  def term(%{"bin" => s}) when is_binary(s), do: s
  def term(%{"int" => s}) when is_binary(s), do: String.to_integer(s)
  def term(%{"float" => n}) when is_number(n), do: n * 1.0
  def term(%{"map" => entries}) when is_list(entries), do: Map.new(entries, fn [k, v] -> {term(k), term(v)} end)

  def term(%{"improper" => items, "tail" => tail}) when is_list(items),
    do: Enum.reduce(Enum.reverse(items), term(tail), fn x, acc -> [term(x) | acc] end)

  def term(other), do: raise(ArgumentError, "not a term encoding: #{Beamcheck.Json.encode_own(other)}")

  @doc "A reason spec: an atom, `{\"shutdown\": X}`, or any encoded term."
  def reason(%{"shutdown" => x}), do: {:shutdown, term(x)}
  def reason(other), do: term(other)

  def timeout("infinity"), do: :infinity
  def timeout(ms) when is_integer(ms) and ms >= 0, do: ms
  def timeout(other), do: raise(ArgumentError, "bad timeout: #{inspect(other)}")

  def shutdown("brutal_kill"), do: :brutal_kill
  def shutdown(other), do: timeout(other)

  @doc "A worker's init behaviour (docs/driver-protocol.md, Workers)."
  def init_behaviour("ok"), do: :ok
  def init_behaviour("ignore"), do: :ignore
  def init_behaviour("raise"), do: :raise
  def init_behaviour(%{"stop" => r}), do: {:stop, reason(r)}
  def init_behaviour(%{"fail_first" => k}) when is_integer(k), do: {:fail_first, k}
  def init_behaviour(%{"slow_ms" => ms}) when is_integer(ms), do: {:slow_ms, ms}
  def init_behaviour(%{"error" => r}), do: {:error, reason(r)}
  def init_behaviour(%{"ignore_after" => k}) when is_integer(k), do: {:ignore_after, k}
  def init_behaviour(other), do: raise(ArgumentError, "bad init behaviour: #{inspect(other)}")

  @doc "A CHILD object to a child spec map for `:supervisor`."
  def child_spec(%{"type" => "supervisor"} = c) do
    id = child_id(c)

    %{
      id: id,
      start: {Beamcheck.Supervisor, :start_link, ["sup:" <> Atom.to_string(id), Map.fetch!(c, "tree")]},
      restart: term(Map.get(c, "restart", "permanent")),
      shutdown: shutdown(Map.get(c, "shutdown", "infinity")),
      type: :supervisor
    }
    |> put_significant(c)
  end

  def child_spec(c) when is_map(c) do
    config = worker_config(c)

    %{
      id: config.id,
      start: {Beamcheck.Worker, :start_link, [config]},
      restart: term(Map.get(c, "restart", "permanent")),
      shutdown: shutdown(Map.get(c, "shutdown", 5000)),
      type: :worker
    }
    |> put_significant(c)
  end

  def child_spec(other), do: raise(ArgumentError, "a child must be an object: #{inspect(other)}")

  @doc "A worker CHILD to the configuration `Beamcheck.Worker.start_link/1` takes."
  def worker_config(c) do
    %{
      id: child_id(c),
      name: child_name(c),
      trap_exit: Map.get(c, "trap_exit", false) == true,
      terminate_ms: Map.get(c, "terminate_ms", 0),
      init: init_behaviour(Map.get(c, "init", "ok"))
    }
  end

  defp child_id(%{"id" => id}) when is_binary(id), do: String.to_atom(id)
  defp child_id(c), do: raise(ArgumentError, "child without an id: #{inspect(c)}")

  # A worker's registered name (`name: "n"` registers it locally as the atom `n`).
  defp child_name(%{"name" => name}) when is_binary(name), do: String.to_atom(name)
  defp child_name(%{"name" => other}), do: raise(ArgumentError, "bad child name: #{inspect(other)}")
  defp child_name(_), do: nil

  defp put_significant(spec, %{"significant" => s}) when is_boolean(s), do: Map.put(spec, :significant, s)
  defp put_significant(spec, _), do: spec

  @doc "A TREE object to `:supervisor` flags (auto_shutdown set directly, on every version)."
  def sup_flags(tree) do
    flags = %{
      strategy: term(Map.get(tree, "strategy", "one_for_one")),
      intensity: Map.get(tree, "max_restarts", 3),
      period: Map.get(tree, "max_seconds", 5)
    }

    case Map.fetch(tree, "auto_shutdown") do
      {:ok, value} -> Map.put(flags, :auto_shutdown, term(value))
      :error -> flags
    end
  end
end

defmodule Beamcheck.Sync do
  @moduledoc "Small synchronous helpers: run a function inside another process, await DOWNs."

  @doc "Runs `fun` inside `pid` (a `Beamcheck.Sync.serve/1` loop): `{:ok, result}` or `{:died, reason}`."
  def run_in(pid, fun), do: pid |> request(fun) |> await_reply(:infinity)

  @doc "Sends `fun` to be run in `pid`; the reply comes to `await_reply/2` with the returned ref."
  def request(pid, fun) do
    ref = Process.monitor(pid)
    send(pid, {:beamcheck_run, self(), ref, fun})
    ref
  end

  @doc "`{:ok, result}`, `{:died, reason}`, or `:timeout` after `wait` ms."
  def await_reply(ref, wait) do
    receive do
      {^ref, result} ->
        Process.demonitor(ref, [:flush])
        {:ok, result}

      {:DOWN, ^ref, :process, _, reason} ->
        {:died, reason}
    after
      wait -> :timeout
    end
  end

  @doc """
  The loop of a helper process: runs the functions sent by `run_in/2`. With `keep_mailbox`, other
  messages stay queued (the task owner's mailbox is an observation); otherwise they are dropped.
  """
  def serve(keep_mailbox) do
    if keep_mailbox, do: serve_selective(), else: serve_any()
  end

  defp serve_selective do
    receive do
      {:beamcheck_run, from, ref, fun} -> reply(from, ref, fun)
    end

    serve_selective()
  end

  defp serve_any do
    receive do
      {:beamcheck_run, from, ref, fun} -> reply(from, ref, fun)
      _other -> :ok
    end

    serve_any()
  end

  defp reply(from, ref, fun) do
    result =
      try do
        fun.()
      rescue
        e -> {:driver_error, Exception.message(e)}
      end

    send(from, {ref, result})
  end

  @doc "Waits for the DOWN of monitor `ref`; returns the reason."
  def await_down(ref) do
    receive do
      {:DOWN, ^ref, :process, _, reason} -> reason
    end
  end

  @doc "Monitors `pid`, kills it, waits until it is gone."
  def kill_and_wait(pid) do
    ref = Process.monitor(pid)
    Process.exit(pid, :kill)
    await_down(ref)
  end

  @doc """
  After a signal or message that may or may not stop `pid` (monitored by `ref`): probes it with
  `:sys.get_state`, which it answers only after handling everything sent before; if it died, waits
  for its DOWN. Returns `:alive` or `{:down, reason}`.
  """
  def settle(pid, ref) do
    try do
      :sys.get_state(pid, :infinity)
      Process.demonitor(ref, [:flush])
      :alive
    catch
      :exit, _ -> {:down, await_down(ref)}
    end
  end
end

defmodule Beamcheck.CaseGroup do
  @moduledoc """
  The group leader of every process a case starts (children inherit it), which is how `reset`
  finds them all. It forwards IO requests to stderr, so nothing a case prints reaches stdout.
  """

  def start do
    pid = spawn(fn -> loop() end)
    :persistent_term.put({__MODULE__, :pid}, pid)
    pid
  end

  def pid, do: :persistent_term.get({__MODULE__, :pid})

  defp loop do
    receive do
      {:io_request, from, reply_as, request} ->
        send(Process.whereis(:standard_error), {:io_request, from, reply_as, request})

      _ ->
        :ok
    end

    loop()
  end

  @doc "Spawns a case process: it joins the case group before doing anything else."
  def spawn_case(fun) do
    gl = pid()

    spawn(fn ->
      Process.group_leader(self(), gl)
      fun.()
    end)
  end

  @doc "Kills every process of the case group (each DOWN awaited), until none is left."
  def kill_all do
    gl = pid()
    me = self()
    victims = Enum.filter(Process.list(), fn p -> p != me and group_leader(p) == gl end)

    if victims != [] do
      refs = Enum.map(victims, &Process.monitor/1)
      Enum.each(victims, &Process.exit(&1, :kill))
      Enum.each(refs, &Beamcheck.Sync.await_down/1)
      kill_all()
    end
  end

  defp group_leader(pid) do
    case Process.info(pid, :group_leader) do
      {:group_leader, gl} -> gl
      nil -> nil
    end
  end
end

defmodule Beamcheck.Recorder do
  @moduledoc """
  Records the case's lifecycle and supervisor events in order (see the script header: links,
  synchronous reports, causal flush, concurrent-death groups).
  """
  alias Beamcheck.Names

  # ---- client side (runs in workers, supervisors, the logger handler, the driver)

  def start do
    driver = self()

    pid =
      Beamcheck.CaseGroup.spawn_case(fn ->
        Process.flag(:trap_exit, true)
        Process.register(self(), __MODULE__)
        send(driver, {:recorder_ready, self()})
        loop(new_state())
      end)

    await_ready(pid)
  end

  defp await_ready(pid) do
    receive do
      {:recorder_ready, ^pid} -> pid
    end
  end

  @doc "A synchronous request; `:no_recorder` if there is none (while a reset kills the case)."
  def call(request) do
    case Process.whereis(__MODULE__) do
      nil -> :no_recorder
      pid -> call(pid, request)
    end
  end

  defp call(pid, request) do
    case Beamcheck.Sync.run_in(pid, {:recorder, request}) do
      {:ok, reply} -> reply
      {:died, _} -> :no_recorder
    end
  end

  # ---- the recorder process

  defp new_state do
    %{
      incarnations: %{},
      # the process behind each worker id's latest incarnation and each supervisor name
      pids: %{},
      # linked processes whose EXIT has not arrived yet: pid => info
      tracked: %{},
      # every process seen in this case: pid => %{name:, parent:, kind:, id:, n:}
      info: %{},
      # recorded events, newest first; `{:beamcheck_group, g}` marks where group g goes
      events: [],
      # concurrent-death groups: descendants not dead yet, each member's group, each group's
      # events (newest first, with the member's name)
      pending: MapSet.new(),
      member_of: %{},
      groups: %{}
    }
  end

  defp loop(state) do
    receive do
      {:beamcheck_run, from, ref, {:recorder, request}} ->
        {reply, state} = handle(request, from, state)
        send(from, {ref, reply})
        loop(state)

      {:EXIT, pid, reason} ->
        loop(handle_exit(pid, reason, state))

      _ ->
        loop(state)
    end
  end

  defp handle({:incarnation, id}, from, state) do
    n = Map.get(state.incarnations, id, 0) + 1
    {n, %{state | incarnations: Map.put(state.incarnations, id, n), pids: Map.put(state.pids, {:worker, id}, from)}}
  end

  # Which process a start probe started: `{:worker, id}` (its latest incarnation) or
  # `{:supervisor, name}`; nil if none.
  defp handle({:pid_of, key}, _from, state), do: {Map.get(state.pids, key), state}

  # A supervisor started without a hook of its own (the Elixir front ends): tracked from now on.
  defp handle({:track_supervisor, pid, name, parent}, _from, state) do
    state = flush_dead(state, nil)
    {:ok, track(state, pid, %{name: name, parent: parent, kind: :supervisor, id: nil, n: nil})}
  end

  defp handle({:started, id, n, parent}, from, state) do
    state = flush_dead(state, from)
    name = "#{id}##{n}"
    state = track(state, from, %{name: name, parent: parent, kind: :worker, id: id, n: n})
    {:ok, emit(state, from, {:start, id, n})}
  end

  defp handle({:supervisor, name, parent}, from, state) do
    state = flush_dead(state, from)
    state = %{state | pids: Map.put(state.pids, {:supervisor, name}, from)}
    {:ok, track(state, from, %{name: name, parent: parent, kind: :supervisor, id: nil, n: nil})}
  end

  defp handle({:event, event}, from, state) do
    state = flush_dead(state, from)
    {:ok, emit(state, from, event)}
  end

  defp handle(:take, _from, state) do
    state = drain(state)
    events = state.events |> Enum.reverse() |> Enum.flat_map(&expand(&1, state.groups))
    {events, %{state | events: [], member_of: %{}, groups: %{}}}
  end

  # A group's events in place of its mark: by process name, each process's own in order.
  defp expand({:beamcheck_group, g}, groups) do
    groups[g] |> Enum.reverse() |> Enum.with_index() |> Enum.sort_by(fn {{name, _}, i} -> {name, i} end) |> Enum.map(fn {{_, event}, _} -> event end)
  end

  defp expand(event, _groups), do: [event]

  defp track(state, pid, info) do
    Process.link(pid)
    Names.put(pid, info.name)
    %{state | tracked: Map.put(state.tracked, pid, info), info: Map.put(state.info, pid, info)}
  end

  defp handle_exit(pid, reason, state) do
    case Map.fetch(state.tracked, pid) do
      :error ->
        state

      {:ok, info} ->
        state = %{state | tracked: Map.delete(state.tracked, pid), pending: MapSet.delete(state.pending, pid)}

        event =
          case info.kind do
            :worker -> {:exit, info.id, info.n, reason}
            :supervisor -> {:sup_exit, info.name, reason}
          end

        state = emit(state, pid, event)
        if info.kind == :supervisor and reason in [:killed, :kill], do: orphan_group(state, pid), else: state
    end
  end

  # The supervisor `sup` was killed: its tracked descendants die concurrently, as one group
  # anchored here (or in the group `sup` itself belongs to).
  defp orphan_group(state, sup) do
    orphans = for {pid, _} <- state.tracked, descendant?(state.info, pid, sup), not is_map_key(state.member_of, pid), do: pid

    {g, state} =
      case Map.fetch(state.member_of, sup) do
        {:ok, g} -> {g, state}
        :error -> {sup, %{state | events: [{:beamcheck_group, sup} | state.events], groups: Map.put(state.groups, sup, [])}}
      end

    member_of = Enum.reduce(orphans, state.member_of, &Map.put(&2, &1, g))
    %{state | pending: MapSet.union(state.pending, MapSet.new(orphans)), member_of: member_of}
  end

  defp descendant?(info, pid, ancestor) do
    case Map.get(info, pid) do
      %{parent: ^ancestor} -> true
      %{parent: parent} when is_pid(parent) -> descendant?(info, parent, ancestor)
      _ -> false
    end
  end

  defp emit(state, origin, event) do
    case Map.fetch(state.member_of, origin) do
      {:ok, g} -> %{state | groups: Map.update!(state.groups, g, &[{state.info[origin].name, event} | &1])}
      :error -> %{state | events: [event | state.events]}
    end
  end

  # Before recording a report of live process `except`: record the exits of tracked processes
  # that are already dead (their EXITs are on their way).
  defp flush_dead(state, except) do
    dead = for {pid, _} <- state.tracked, pid != except, not Process.alive?(pid), into: %{}, do: {pid, true}

    if map_size(dead) == 0 do
      state
    else
      {pid, reason} = receive_exit_of(dead)
      flush_dead(handle_exit(pid, reason, state), except)
    end
  end

  defp receive_exit_of(pids) do
    receive do
      {:EXIT, pid, reason} when is_map_key(pids, pid) -> {pid, reason}
    end
  end

  # Before handing over the events: every dead tracked process's exit, and every pending
  # concurrent death (those processes may still report, so any request is served meanwhile).
  defp drain(state) do
    dead = for {pid, _} <- state.tracked, not Process.alive?(pid), into: %{}, do: {pid, true}

    cond do
      map_size(dead) > 0 ->
        {pid, reason} = receive_exit_of(dead)
        drain(handle_exit(pid, reason, state))

      MapSet.size(state.pending) > 0 ->
        drain(serve_one(state))

      true ->
        state
    end
  end

  defp serve_one(state) do
    receive do
      {:beamcheck_run, from, ref, {:recorder, request}} when request != :take ->
        {reply, state} = handle(request, from, state)
        send(from, {ref, reply})
        state

      {:EXIT, pid, reason} ->
        handle_exit(pid, reason, state)
    end
  end
end

defmodule Beamcheck.ReportHandler do
  @moduledoc """
  A `:logger` handler that turns supervisor error reports into recorder events. It runs in the
  process that logs (the supervisor), so each report is recorded before the supervisor goes on.
  Every other log event is dropped: the driver prints nothing.
  """
  @contexts [:child_terminated, :start_error, :shutdown, :shutdown_error]

  def install do
    for id <- :logger.get_handler_ids(), do: :logger.remove_handler(id)
    for {id, _} <- :logger.get_primary_config().filters, do: :logger.remove_primary_filter(id)
    :logger.set_primary_config(:level, :error)
    :ok = :logger.add_handler(:beamcheck_reports, __MODULE__, %{level: :error})
  end

  def adding_handler(config), do: {:ok, config}

  def log(%{msg: {:report, %{label: {:supervisor, context}, report: report}}}, _config) when context in @contexts do
    offender = Keyword.get(report, :offender, [])
    id = if Keyword.has_key?(offender, :id), do: {:id, Keyword.get(offender, :id)}, else: :none
    Beamcheck.Recorder.call({:event, {:report, context, id, Keyword.get(report, :reason)}})
  catch
    _, _ -> :ok
  end

  def log(_event, _config), do: :ok
end

defmodule Beamcheck.Worker do
  @moduledoc """
  The configurable worker of docs/driver-protocol.md ("Workers"), as src/harness/worker.ts
  simulates it: init behaviours, slow terminate, ping/sleep/stop calls, `{:crash, reason}`.
  """
  use GenServer
  alias Beamcheck.Recorder

  # A simple_one_for_one supervisor appends the `start_child` arguments: at most one extra term,
  # which the call `:args` answers (as the list of extra arguments).
  def start_link(config), do: start(config, [])
  def start_link(config, extra), do: start(config, [extra])

  defp start(config, args) do
    options = if config.name, do: [name: config.name], else: []
    GenServer.start_link(__MODULE__, {config, args}, options)
  end

  @impl true
  def init({config, args}) do
    if config.trap_exit, do: Process.flag(:trap_exit, true)
    n = Recorder.call({:incarnation, config.id})
    run_init(config.init, %{config: config, n: n, args: args})
  end

  defp run_init(:ok, s), do: started(s)
  defp run_init(:ignore, s), do: failed(s, :ignore, fn -> :ignore end)
  defp run_init({:stop, reason}, s), do: failed(s, :stop, fn -> {:stop, reason} end)
  defp run_init({:error, reason}, s), do: failed(s, :error, fn -> {:error, reason} end)
  defp run_init(:raise, s), do: failed(s, :raise, fn -> raise "#{s.config.id} failed to start" end)
  defp run_init({:fail_first, k}, %{n: n} = s) when n <= k, do: failed(s, :stop, fn -> {:stop, :unavailable} end)
  defp run_init({:fail_first, _}, s), do: started(s)
  defp run_init({:ignore_after, k}, %{n: n} = s) when n > k, do: failed(s, :ignore, fn -> :ignore end)
  defp run_init({:ignore_after, _}, s), do: started(s)

  defp run_init({:slow_ms, ms}, s) do
    Process.sleep(ms)
    started(s)
  end

  defp started(s) do
    Recorder.call({:started, s.config.id, s.n, parent()})
    {:ok, s}
  end

  defp failed(s, how, result) do
    Recorder.call({:event, {:start_failed, s.config.id, s.n, how}})
    result.()
  end

  # The proc_lib parent: the head of `$ancestors`, a pid or a registered name.
  defp parent do
    case Process.get(:"$ancestors") do
      [name | _] when is_atom(name) -> Process.whereis(name)
      [pid | _] -> pid
    end
  end

  @impl true
  def handle_call(:ping, _from, state), do: {:reply, :pong, state}
  def handle_call(:stop, _from, state), do: {:stop, :normal, :ok, state}
  def handle_call(:args, _from, state), do: {:reply, state.args, state}

  # The parent no longer hears of this worker's death (supervision.md rules 63, 65).
  def handle_call(:unlink_parent, _from, state) do
    Process.unlink(parent())
    {:reply, :ok, state}
  end

  def handle_call({:sleep, ms}, _from, state) do
    Process.sleep(ms)
    {:reply, :ok, state}
  end

  def handle_call(request, _from, state), do: {:reply, {:unknown, request}, state}

  @impl true
  def handle_cast(:stop, state), do: {:stop, :normal, state}
  def handle_cast({:stop, reason}, state), do: {:stop, reason, state}

  def handle_cast({:sleep, ms}, state) do
    Process.sleep(ms)
    {:noreply, state}
  end

  def handle_cast(_request, state), do: {:noreply, state}

  @impl true
  def handle_info({:crash, :raise}, state), do: raise("#{state.config.id} crashed")
  def handle_info({:crash, reason}, _state), do: exit(reason)
  def handle_info(_message, state), do: {:noreply, state}

  @impl true
  def terminate(reason, state) do
    if state.config.terminate_ms > 0, do: Process.sleep(state.config.terminate_ms)
    Recorder.call({:event, {:terminate, state.config.id, state.n, reason}})
  end
end

defmodule Beamcheck.Supervisor do
  @moduledoc """
  The callback module of every supervisor in a tree. init/1 links the supervisor to the recorder
  under its stable name and returns the flags map itself, so `auto_shutdown` reaches `:supervisor`
  on every Elixir version (Elixir 1.14's `Supervisor.init/2` would drop it; 1.15+ forwards it).
  """
  use Supervisor

  def start_link(name, tree), do: Supervisor.start_link(__MODULE__, {name, tree})

  @impl true
  def init({name, tree}) do
    [parent | _] = Process.get(:"$ancestors")
    Beamcheck.Recorder.call({:supervisor, name, parent})
    children = Enum.map(Map.get(tree, "children", []), &Beamcheck.Decode.child_spec/1)
    {:ok, {Beamcheck.Decode.sup_flags(tree), children}}
  end
end

defmodule Beamcheck.Case do
  @moduledoc """
  The state of the current case, held by the driver process: helper processes, the root
  supervisor, the task owner and its tasks, the registry and its processes.
  """
  alias Beamcheck.{CaseGroup, Names, Recorder, Sync}

  def new do
    holder = CaseGroup.spawn_case(fn -> holder_loop() end)

    %{
      recorder: Recorder.start(),
      holder: holder,
      sup: nil,
      owner: nil,
      owner_ref: nil,
      owner_exit: nil,
      tasks: %{},
      vclock: 0,
      task_sup: nil,
      registry: nil,
      partitions: [],
      reg_procs: %{},
      dsup: nil,
      psup: nil,
      psup_name: nil
    }
  end

  # The holder traps exits and is the parent of the root supervisor, the registry and the
  # Task.Supervisor: a failed start cannot kill the driver, and a leftover EXIT is dropped.
  defp holder_loop do
    Process.flag(:trap_exit, true)
    Sync.serve(false)
  end

  @doc "Runs `fun` in the holder; raises if the function raised there."
  def in_holder(state, fun), do: unwrap(Sync.run_in(state.holder, fun))

  def unwrap({:ok, {:driver_error, message}}), do: raise(message)
  def unwrap({:ok, result}), do: result
  def unwrap({:died, reason}), do: raise("helper process died: #{inspect(reason)}")

  def reset(state) do
    # Drop the driver's own monitors first, so that no late DOWN stays in its mailbox.
    refs = [state.owner_ref | Enum.map(state.tasks, fn {_, task} -> task.ref end)]
    for ref <- refs, is_reference(ref), do: Process.demonitor(ref, [:flush])
    CaseGroup.kill_all()
    Names.clear()
    flush_mailbox()
    new()
  end

  defp flush_mailbox do
    receive do
      _ -> flush_mailbox()
    after
      0 -> :ok
    end
  end
end

defmodule Beamcheck.Tree do
  @moduledoc "The supervision tree as the driver sees it: finding children, the which_children barrier."

  def which_children(sup) do
    {:ok, Supervisor.which_children(sup)}
  catch
    :exit, _ -> :dead
  end

  @doc "`{:found, pid_or_status, type}` for child `id` anywhere under `sup`, or `:none`."
  def find(nil, _id), do: :none

  def find(sup, id) do
    case which_children(sup) do
      {:ok, children} -> find_in(children, id)
      :dead -> :none
    end
  end

  defp find_in([], _id), do: :none
  defp find_in([{id, pid, type, _} | _], id), do: {:found, pid, type}

  defp find_in([{_, pid, :supervisor, _} | rest], id) when is_pid(pid) do
    case find(pid, id) do
      :none -> find_in(rest, id)
      found -> found
    end
  end

  defp find_in([_ | rest], id), do: find_in(rest, id)

  @doc "The running pid of child `id`, or nil."
  def child_pid(sup, id) do
    case find(sup, id) do
      {:found, pid, _} when is_pid(pid) -> pid
      _ -> nil
    end
  end

  @doc """
  Walks the tree with `which_children` until two walks agree and nothing is restarting. Each
  call returns only after the supervisor handled everything queued before it.
  """
  def barrier(nil), do: :ok
  def barrier(sup), do: barrier(sup, nil, 1000)

  defp barrier(_sup, _previous, 0), do: raise("the supervision tree did not settle")

  defp barrier(sup, previous, tries) do
    walk = walk(sup)

    if walk == previous and settled?(walk) do
      :ok
    else
      barrier(sup, walk, tries - 1)
    end
  end

  defp walk(sup) do
    case which_children(sup) do
      :dead -> :dead
      {:ok, children} -> Enum.map(children, &walk_child/1)
    end
  end

  defp walk_child({id, pid, :supervisor, _}) when is_pid(pid), do: {id, pid, walk(pid)}
  defp walk_child({id, pid, _, _}), do: {id, pid}

  defp settled?(:dead), do: true
  defp settled?(children) when is_list(children), do: Enum.all?(children, &settled_child?/1)

  defp settled_child?({_, {:restarting, _}}), do: false
  defp settled_child?({_, {:restarting, _}, _}), do: false
  defp settled_child?({_, _pid, :dead}), do: false
  defp settled_child?({_, _pid, children}), do: settled?(children)
  defp settled_child?({_, _}), do: true
end

defmodule Beamcheck.Tasks do
  @moduledoc """
  Task commands and the task clock.

  The owner is a case process serving requests with a selective receive, so the messages tasks
  send it stay in its mailbox (an observation). A task does not sleep on a timer of its own: it
  waits for `:wake`, which the driver sends when the case's *task clock* reaches the task's
  deadline (its start on that clock plus `ms`). The task clock is virtual: it advances only in
  `advance` (by `ms`), `call` (by the worker's sleep) and `task_await` / `task_yield` (to the
  awaited task's deadline, or by the timeout). While such a command waits, due tasks are woken at
  their real offsets from the command's start, one at a time in deadline order (each one's DOWN is
  awaited before the next is woken), and never one whose deadline lies beyond the command's own
  timeout. So a stall of the machine between commands cannot move a task's completion into another
  command, and two tasks never finish in a racing order; only the margin between a timeout and a
  deadline inside one command is real time.
  """
  alias Beamcheck.{Canon, Case, CaseGroup, Names, Sync}

  def start_owner(state, trap_exit) do
    state = stop_owner(state)

    owner =
      CaseGroup.spawn_case(fn ->
        Process.flag(:trap_exit, trap_exit)
        Sync.serve(true)
      end)

    Names.put(owner, "task_owner")
    %{state | owner: owner, owner_ref: Process.monitor(owner), owner_exit: nil}
  end

  # Kills the previous owner; its linked tasks die with it (their DOWNs are awaited).
  defp stop_owner(%{owner: nil} = state), do: state

  defp stop_owner(state) do
    if state.owner_exit == nil do
      Process.exit(state.owner, :kill)
      Sync.await_down(state.owner_ref)
    end

    linked = for {name, t} <- state.tasks, t.owner == state.owner, not t.nolink, do: name
    Enum.each(linked, fn name -> await_task_down(state.tasks[name]) end)
    %{state | tasks: Map.drop(state.tasks, linked), owner: nil, owner_ref: nil, owner_exit: nil}
  end

  defp ensure_owner(%{owner: nil} = state), do: start_owner(state, false)
  defp ensure_owner(state), do: state

  defp ensure_task_sup(%{task_sup: nil} = state) do
    {:ok, tsup} = Case.in_holder(state, fn -> Task.Supervisor.start_link() end)
    %{state | task_sup: tsup}
  end

  defp ensure_task_sup(state), do: state

  defp owner_exit_result(state), do: %{"owner_exit" => Canon.term(state.owner_exit)}

  # Runs `fun` in the owner while the task clock runs up to `limit` ms (0: it stands still).
  # Returns `{:ok, result, woken_deadline | nil, state}` or `{:owner_exit, state}`.
  defp in_owner(state, limit, fun) do
    if state.owner_exit != nil do
      {:owner_exit, state}
    else
      ref = Sync.request(state.owner, fun)

      case pump(state, limit, ref) do
        {{:ok, {:driver_error, message}}, _, _state} -> raise message
        {{:ok, result}, woken, state} -> {:ok, result, woken, state}
        # The owner died while the clock ran (a linked task it awaited crashed): the clock
        # stays at the deadline of the last task woken, as it would after a reply.
        {{:died, _}, woken, state} ->
          state = if woken, do: set_clock(state, woken), else: state
          {:owner_exit, %{state | owner_exit: Sync.await_down(state.owner_ref)}}
      end
    end
  end

  @doc """
  Waits for the reply to request `ref` while the task clock runs from its current value for at
  most `limit` ms of real time, waking the tasks that fall due. Returns `{reply, latest deadline
  woken or nil, state}`; the clock itself is not moved (the command decides by how much).
  """
  def pump(state, limit, ref) do
    pump(state, limit, ref, System.monotonic_time(:millisecond), nil)
  end

  defp pump(state, limit, ref, started, woken) do
    elapsed = System.monotonic_time(:millisecond) - started
    {state, woken} = wake_due(state, state.vclock + bounded(elapsed, limit), woken)
    wait = next_wake_in(state, limit, elapsed)

    case Sync.await_reply(ref, wait) do
      :timeout -> pump(state, limit, ref, started, woken)
      reply -> {reply, woken, state}
    end
  end

  defp bounded(elapsed, :infinity), do: elapsed
  defp bounded(elapsed, limit), do: min(elapsed, limit)

  # Real ms until the next task falls due within the limit, or :infinity.
  defp next_wake_in(state, limit, elapsed) do
    due =
      for {_, t} <- state.tasks, not t.woken, limit == :infinity or t.deadline <= state.vclock + limit,
          do: t.deadline - state.vclock

    case due do
      [] -> :infinity
      offsets -> max(0, Enum.min(offsets) - elapsed)
    end
  end

  @doc "Moves the task clock to `vclock` (waking what falls due on the way)."
  def set_clock(state, vclock) do
    {state, _} = wake_due(state, vclock, nil)
    %{state | vclock: vclock}
  end

  @doc "`advance`: the task clock runs `ms` on real time."
  def advance(state, ms) do
    started = System.monotonic_time(:millisecond)
    advance_until(state, ms, started)
  end

  defp advance_until(state, ms, started) do
    elapsed = System.monotonic_time(:millisecond) - started
    {state, _} = wake_due(state, state.vclock + min(elapsed, ms), nil)

    if elapsed >= ms do
      set_clock(state, state.vclock + ms)
    else
      Process.sleep(min(ms - elapsed, bounded_wait(next_wake_in(state, ms, elapsed))))
      advance_until(state, ms, started)
    end
  end

  defp bounded_wait(:infinity), do: 60_000
  defp bounded_wait(ms), do: ms

  # Wakes, in (deadline, start order), every task due at `vclock`; each one's DOWN is awaited.
  defp wake_due(state, vclock, woken) do
    due =
      state.tasks
      |> Enum.filter(fn {_, t} -> not t.woken and t.deadline <= vclock end)
      |> Enum.sort_by(fn {_, t} -> {t.deadline, t.seq} end)

    Enum.reduce(due, {state, woken}, fn {name, task}, {state, woken} ->
      task = wake(task)
      {%{state | tasks: Map.put(state.tasks, name, task)}, max_deadline(woken, task.deadline)}
    end)
  end

  defp max_deadline(nil, d), do: d
  defp max_deadline(w, d), do: max(w, d)

  defp wake(task) do
    send(task.pid, :wake)
    await_task_down(%{task | woken: true})
  end

  defp await_task_down(%{down: true} = task), do: task

  defp await_task_down(task) do
    Sync.await_down(task.ref)
    %{task | down: true}
  end

  def async(state, req) do
    state = ensure_owner(state)
    nolink = Map.get(req, "nolink", false) == true
    state = if nolink, do: ensure_task_sup(state), else: state
    name = Map.fetch!(req, "name")
    ms = Map.get(req, "ms", 0)
    if not (is_integer(ms) and ms >= 0), do: raise("bad ms: #{inspect(ms)}")
    outcome = if Map.get(req, "raise", false) == true, do: :raise, else: {:value, Beamcheck.Decode.term(Map.get(req, "result", "ok"))}
    body = task_body(name, outcome)
    tsup = state.task_sup

    start = fn ->
      task = if nolink, do: Task.Supervisor.async_nolink(tsup, body), else: Task.async(body)
      Names.put(task.pid, "task:" <> name)
      Process.put({:task, name}, task)
      task.pid
    end

    case in_owner(state, 0, start) do
      {:owner_exit, state} ->
        {owner_exit_result(state), state}

      {:ok, pid, _, state} ->
        seq = System.unique_integer([:monotonic])
        task = %{pid: pid, ref: Process.monitor(pid), owner: state.owner, nolink: nolink, deadline: state.vclock + ms, seq: seq, woken: false, down: false}
        task = if ms == 0, do: wake(task), else: task
        {"ok", %{state | tasks: Map.put(state.tasks, name, task)}}
    end
  end

  # The task waits until the driver wakes it (its sleep on the task clock), then finishes.
  defp task_body(name, outcome) do
    fn ->
      receive do
        :wake -> :ok
      end

      case outcome do
        :raise -> raise "#{name} crashed"
        {:value, value} -> value
      end
    end
  end

  # Runs `fun.(task)` in the owner; `fun` returns `{:timed_out | :done, result}`. The clock runs
  # up to `limit`: it ends at the timeout, or at the deadline of the task whose wake ended the wait.
  defp with_task(state, req, limit, fun) do
    name = Map.fetch!(req, "name")
    with_tasks(state, [name], limit, fn [task] -> fun.(task) end)
  end

  # `with_task` for several tasks: `fun` gets their structs in the order of `names`. A raise in
  # the Task function is the result `{"raise": EXC}`.
  defp with_tasks(state, names, limit, fun) do
    for name <- names do
      case Map.fetch(state.tasks, name) do
        {:ok, %{owner: owner}} when owner == state.owner and owner != nil -> :ok
        _ -> raise "unknown task #{inspect(name)}"
      end
    end

    guarded = fn ->
      try do
        fun.(Enum.map(names, &Process.get({:task, &1})))
      rescue
        e -> {:done, Canon.raised(e)}
      end
    end

    case in_owner(state, limit, guarded) do
      {:owner_exit, state} ->
        {owner_exit_result(state), state}

      {:ok, {:timed_out, result}, _woken, state} ->
        {result, set_clock(state, state.vclock + limit)}

      {:ok, {:done, result}, woken, state} ->
        {result, if(woken, do: set_clock(state, woken), else: state)}
    end
  end

  @doc "`task_completed`: `Task.completed(result)`, owned by the owner; it has no process."
  def completed(state, req) do
    state = ensure_owner(state)
    name = Map.fetch!(req, "name")
    if Map.has_key?(state.tasks, name), do: raise("task #{inspect(name)} exists already")
    value = Beamcheck.Decode.term(Map.get(req, "result", "ok"))

    store = fn ->
      Process.put({:task, name}, Task.completed(value))
      :ok
    end

    case in_owner(state, 0, store) do
      {:owner_exit, state} ->
        {owner_exit_result(state), state}

      {:ok, :ok, _, state} ->
        seq = System.unique_integer([:monotonic])
        task = %{pid: nil, ref: nil, owner: state.owner, nolink: false, deadline: state.vclock, seq: seq, woken: true, down: true}
        {"ok", %{state | tasks: Map.put(state.tasks, name, task)}}
    end
  end

  @doc """
  `task_yield_many`: `Task.yield_many(tasks, timeout)`, or with `limit` the options form
  `[limit:, timeout:]` (Elixir 1.15+). `[[NAME, RESULT], …]` in the order of `names`.
  """
  def yield_many(state, req) do
    names = Map.fetch!(req, "names")
    if not (is_list(names) and Enum.all?(names, &is_binary/1)), do: raise("bad names: #{inspect(names)}")
    timeout = Beamcheck.Decode.timeout(Map.get(req, "timeout", 5000))

    argument =
      case Map.fetch(req, "limit") do
        {:ok, limit} -> [limit: limit, timeout: timeout]
        :error -> timeout
      end

    with_tasks(state, names, timeout, fn tasks ->
      by_ref = Map.new(Enum.zip(tasks, names), fn {task, name} -> {task.ref, name} end)
      results = Task.yield_many(tasks, argument)
      out = for {task, result} <- results, do: [Map.fetch!(by_ref, task.ref), task_result(result)]
      out = Enum.sort_by(out, fn [name, _] -> Enum.find_index(names, &(&1 == name)) end)
      if Enum.any?(results, fn {_, r} -> r == nil end), do: {:timed_out, out}, else: {:done, out}
    end)
  end

  @doc "`tsup_start`: the case's Task.Supervisor, with the deprecated `:restart`/`:shutdown` defaults."
  def tsup_start(%{task_sup: tsup}, _req) when tsup != nil, do: raise("the case's Task.Supervisor is already running")

  def tsup_start(state, req) do
    options =
      for {key, atom, decode} <- [{"restart", :restart, &Beamcheck.Decode.term/1}, {"shutdown", :shutdown, &Beamcheck.Decode.shutdown/1}],
          Map.has_key?(req, key),
          do: {atom, decode.(req[key])}

    {:ok, tsup} = Case.in_holder(state, fn -> Task.Supervisor.start_link(options) end)
    {"ok", %{state | task_sup: tsup}}
  end

  @doc """
  `tsup_start_child`: the owner calls `Task.Supervisor.start_child(tsup, fun)`; the task returns
  `:ok` at once and is named `"task:NAME"`.
  """
  def tsup_start_child(state, req) do
    state = ensure_owner(state) |> ensure_task_sup()
    name = Map.fetch!(req, "name")
    tsup = state.task_sup

    start = fn ->
      result = Task.Supervisor.start_child(tsup, fn -> :ok end)
      with {:ok, pid} <- result, do: Names.put(pid, "task:" <> name)
      Canon.term(result)
    end

    case in_owner(state, 0, start) do
      {:owner_exit, state} -> {owner_exit_result(state), state}
      {:ok, result, _, state} -> {result, state}
    end
  end

  def await(state, req) do
    timeout = Beamcheck.Decode.timeout(Map.get(req, "timeout", 5000))

    with_task(state, req, timeout, fn task ->
      try do
        {:done, %{"reply" => Canon.term(Task.await(task, timeout))}}
      catch
        :exit, {:timeout, {Task, :await, _}} = reason -> {:timed_out, %{"exit" => Canon.term(reason)}}
        :exit, reason -> {:done, %{"exit" => Canon.term(reason)}}
      end
    end)
  end

  def yield(state, req) do
    timeout = Beamcheck.Decode.timeout(Map.get(req, "timeout", 5000))

    with_task(state, req, timeout, fn task ->
      case Task.yield(task, timeout) do
        nil -> {:timed_out, "nil"}
        result -> {:done, task_result(result)}
      end
    end)
  end

  def shutdown(state, req) do
    mode = Beamcheck.Decode.shutdown(Map.get(req, "mode", 5000))
    {result, state} = with_task(state, req, 0, fn task -> {:done, task_result(Task.shutdown(task, mode))} end)
    {result, mark_stopped(state, Map.fetch!(req, "name"))}
  end

  # After Task.shutdown the task is gone: it is not woken any more.
  defp mark_stopped(state, name) do
    case Map.fetch(state.tasks, name) do
      {:ok, %{woken: false} = task} when state.owner_exit == nil ->
        %{state | tasks: Map.put(state.tasks, name, await_task_down(%{task | woken: true}))}

      _ ->
        state
    end
  end

  defp task_result({:ok, value}), do: %{"ok" => Canon.term(value)}
  defp task_result({:exit, reason}), do: %{"exit" => Canon.term(reason)}
  defp task_result(nil), do: "nil"

  def mailbox(state) do
    state = ensure_owner(state)

    case in_owner(state, 0, fn -> Canon.term(flush([])) end) do
      {:owner_exit, state} -> {owner_exit_result(state), state}
      {:ok, messages, _, state} -> {messages, state}
    end
  end

  @doc "Every message in the calling process's mailbox, in order, removed (`Probes` uses it too)."
  def flush(acc) do
    receive do
      message -> flush([message | acc])
    after
      0 -> Enum.reverse(acc)
    end
  end

  @doc """
  Quiet point for tasks (woken tasks are already finished): the owner answers a ping (or is
  found dead) and the Task.Supervisor answers `:sys.get_state`.
  """
  def settle(state) do
    state = settle_owner(state)
    if state.task_sup, do: Sync.settle(state.task_sup, Process.monitor(state.task_sup))
    state
  end

  defp settle_owner(%{owner: nil} = state), do: state
  defp settle_owner(%{owner_exit: exit} = state) when exit != nil, do: state

  defp settle_owner(state) do
    case in_owner(state, 0, fn -> :pong end) do
      {:owner_exit, state} -> state
      {:ok, :pong, _, state} -> state
    end
  end
end

defmodule Beamcheck.Reg do
  @moduledoc """
  Registry commands. The registry is `Beamcheck.Registry`, started by the holder; each named
  registry process is a case process started on first use. After each command every partition
  answers `:sys.get_state`, so exits of killed processes have been cleaned up.
  """
  alias Beamcheck.{Canon, Case, CaseGroup, Decode, Names, Sync}
  @registry Beamcheck.Registry

  def start(state, req) do
    keys =
      case Map.get(req, "keys", "unique") do
        "duplicate_key" -> {:duplicate, :key}
        other -> String.to_atom(other)
      end

    partitions = Map.get(req, "partitions", 1)
    opts = [keys: keys, name: @registry, partitions: partitions]
    {:ok, registry} = Case.in_holder(state, fn -> Registry.start_link(opts) end)
    partition_pids = for {_, pid, _, _} <- Supervisor.which_children(registry), do: pid
    {"ok", %{state | registry: registry, partitions: partition_pids}}
  end

  defp need_registry(%{registry: nil}), do: raise("no registry: send reg_start first")
  defp need_registry(_), do: :ok

  defp proc(state, name) do
    case Map.fetch(state.reg_procs, name) do
      {:ok, pid} ->
        {pid, state}

      :error ->
        pid = CaseGroup.spawn_case(fn -> Sync.serve(false) end)
        Names.put(pid, name)
        {pid, %{state | reg_procs: Map.put(state.reg_procs, name, pid)}}
    end
  end

  def register(state, req) do
    need_registry(state)
    {pid, state} = proc(state, Map.fetch!(req, "proc"))
    key = Decode.term(Map.fetch!(req, "key"))
    value = Decode.term(Map.get(req, "value", "nil"))
    result = Case.unwrap(Sync.run_in(pid, fn -> Registry.register(@registry, key, value) end))
    {Canon.term(result), state}
  end

  def unregister(state, req) do
    need_registry(state)
    {pid, state} = proc(state, Map.fetch!(req, "proc"))
    key = Decode.term(Map.fetch!(req, "key"))
    result = Case.unwrap(Sync.run_in(pid, fn -> Registry.unregister(@registry, key) end))
    {Canon.term(result), state}
  end

  def kill(state, req) do
    name = Map.fetch!(req, "proc")

    case Map.fetch(state.reg_procs, name) do
      {:ok, pid} ->
        Sync.kill_and_wait(pid)
        {"ok", %{state | reg_procs: Map.delete(state.reg_procs, name)}}

      :error ->
        {"ok", state}
    end
  end

  def lookup(state, req) do
    need_registry(state)
    barrier(state)
    key = Decode.term(Map.fetch!(req, "key"))

    entries =
      @registry
      |> Registry.lookup(key)
      |> Enum.map(fn {pid, value} -> {Names.get(pid), value} end)
      |> Enum.sort()
      |> Enum.map(fn {name, value} -> [name, Canon.term(value)] end)

    {entries, state}
  end

  def keys(state, req) do
    need_registry(state)

    case Map.fetch(state.reg_procs, Map.fetch!(req, "proc")) do
      {:ok, pid} -> {@registry |> Registry.keys(pid) |> Enum.sort() |> Canon.term(), state}
      :error -> {[], state}
    end
  end

  def count(state) do
    need_registry(state)
    {Registry.count(@registry), state}
  end

  def whereis(state, req) do
    need_registry(state)
    key = Decode.term(Map.fetch!(req, "key"))
    {Canon.term(Registry.whereis_name({@registry, key})), state}
  end

  @doc "`reg_lock`: `Registry.lock(registry, key, fn -> :locked end)` (Elixir 1.18+)."
  def lock(state, req) do
    need_registry(state)
    key = Decode.term(Map.fetch!(req, "key"))

    result =
      try do
        Canon.term(apply(Registry, :lock, [@registry, key, fn -> :locked end]))
      rescue
        e -> Canon.raised(e)
      end

    {result, state}
  end

  @doc "Every partition has handled what was sent to it before (e.g. the EXIT of a killed process)."
  def barrier(state) do
    Enum.each(state.partitions, fn pid -> Sync.settle(pid, Process.monitor(pid)) end)
  end
end

defmodule Beamcheck.Probes do
  @moduledoc """
  One-shot probes (docs/driver-protocol.md, "Probes"): a start through `proc_lib` seen from the
  caller, Elixir's `Process.alias/0`, a task's lineage, `Task.async_stream/3` option checks. Each
  runs in a fresh case process.
  """
  alias Beamcheck.{Canon, Case, CaseGroup, Decode, Names, Recorder, Sync}

  @doc """
  `start_probe`: a fresh process (trapping exits or not) start_links a worker (`child`) or a tree
  supervisor named `"probe"` (`tree`). Unless the start returned `{:ok, pid}`, the caller then
  waits for the DOWN of the process it started: a dying process signals its links before its
  monitors, so by then a trapping caller has the EXIT it will ever get and a non-trapping one
  has died of it. Then the caller flushes its mailbox. The caller stays until `reset`.
  """
  def start(state, req) do
    {starter, started} = starter(req)
    trap = Map.get(req, "trap_exit", false) == true

    caller =
      CaseGroup.spawn_case(fn ->
        Process.flag(:trap_exit, trap)
        Sync.serve(true)
      end)

    probe = fn ->
      result = starter.()
      if not match?({:ok, pid} when is_pid(pid), result), do: await_down(Recorder.call({:pid_of, started}))
      %{"result" => Canon.term(result), "mailbox" => Canon.term(Beamcheck.Tasks.flush([]))}
    end

    case Sync.run_in(caller, probe) do
      {:died, reason} -> {%{"caller_exit" => Canon.term(reason)}, state}
      reply -> {Case.unwrap(reply), state}
    end
  end

  defp starter(%{"tree" => tree}) when is_map(tree),
    do: {fn -> Beamcheck.Supervisor.start_link("probe", tree) end, {:supervisor, "probe"}}

  defp starter(%{"child" => %{"name" => _}}), do: raise("start_probe: the child cannot have a name")

  defp starter(%{"child" => child}) when is_map(child) do
    config = Decode.worker_config(child)
    {fn -> Beamcheck.Worker.start_link(config) end, {:worker, config.id}}
  end

  defp starter(_), do: raise("start_probe needs a child or a tree")

  defp await_down(nil), do: :ok
  defp await_down(pid), do: Sync.await_down(Process.monitor(pid))

  @doc """
  `alias_probe`: `Process.alias/0` (Elixir 1.15+); a message through the alias is received, then
  `Process.unalias/1`, and a second message is dropped: `{"received": [...]}` lists both receives.
  With `"monitor": true` the alias is a monitor's, `Process.monitor(target, alias:
  :reply_demonitor)` (Elixir 1.15+): the first message deactivates it and removes the monitor, so
  the second is dropped and killing the target sends no DOWN.
  """
  def alias_probe(state, req) do
    monitor? = Map.get(req, "monitor", false) == true

    probe = fn ->
      target = if monitor?, do: CaseGroup.spawn_case(fn -> Sync.serve(false) end)

      try do
        alias_ref =
          if monitor?,
            do: apply(Process, :monitor, [target, [alias: :reply_demonitor]]),
            else: apply(Process, :alias, [])

        send(alias_ref, :one)
        first = receive_one()
        unless monitor?, do: apply(Process, :unalias, [alias_ref])
        send(alias_ref, :two)
        if monitor?, do: Sync.kill_and_wait(target)
        %{"received" => Canon.term([first | Beamcheck.Tasks.flush([])])}
      rescue
        e -> Canon.raised(e)
      after
        if target != nil and Process.alive?(target), do: Sync.kill_and_wait(target)
      end
    end

    {run_fresh(probe, false), state}
  end

  @doc """
  `task_lineage`: a fresh process (registered as `beamcheck_spawner` when `registered`, named
  `"spawner"`) awaits a `Task.async` that returns its own `$ancestors` and `$callers`.
  """
  def task_lineage(state, req) do
    registered = Map.get(req, "registered", false) == true

    spawner =
      CaseGroup.spawn_case(fn ->
        if registered, do: Process.register(self(), :beamcheck_spawner)
        Sync.serve(false)
      end)

    Names.put(spawner, "spawner")

    probe = fn ->
      task = Task.async(fn -> {Process.get(:"$ancestors"), Process.get(:"$callers")} end)
      {ancestors, callers} = Task.await(task)
      %{"ancestors" => Canon.term(ancestors), "callers" => Canon.term(callers)}
    end

    result = Case.unwrap(Sync.run_in(spawner, probe))
    Sync.kill_and_wait(spawner)
    {result, state}
  end

  @doc """
  `task_stream`: `Task.async_stream(items, &identity/1, options)` built, then enumerated, in a
  fresh process: `{"ok": [...]}`, or `{"raise": EXC, "at": "build" | "run"}`.
  """
  def task_stream(state, req) do
    items = Enum.map(Map.get(req, "items", []), &Decode.term/1)
    options = for {key, atom} <- [{"max_concurrency", :max_concurrency}, {"timeout", :timeout}], Map.has_key?(req, key), do: {atom, Decode.term(req[key])}

    probe = fn ->
      built =
        try do
          {:ok, Task.async_stream(items, fn x -> x end, options)}
        rescue
          e -> {:raised, e}
        end

      case built do
        {:raised, e} ->
          Map.put(Canon.raised(e), "at", "build")

        {:ok, stream} ->
          try do
            %{"ok" => Canon.term(Enum.to_list(stream))}
          rescue
            e -> Map.put(Canon.raised(e), "at", "run")
          end
      end
    end

    {run_fresh(probe, false), state}
  end

  # A message sent through an alias travels as a signal: wait for it (it is never late).
  defp receive_one do
    receive do
      message -> message
    after
      5000 -> :timeout
    end
  end

  # Runs `fun` in a fresh case process, which is then killed.
  defp run_fresh(fun, trap) do
    pid =
      CaseGroup.spawn_case(fn ->
        Process.flag(:trap_exit, trap)
        Sync.serve(false)
      end)

    result = Case.unwrap(Sync.run_in(pid, fun))
    Sync.kill_and_wait(pid)
    result
  end
end

defmodule Beamcheck.DynamicSupervisor do
  @moduledoc """
  The callback module of the case's DynamicSupervisor: init/1 links it to the recorder as
  `"dsup"` and returns the flags map itself (so an `auto_shutdown` flag reaches DynamicSupervisor's
  own check, which Elixir 1.15+ has and 1.14 lacks).
  """
  use DynamicSupervisor
  alias Beamcheck.Decode

  def start_link(req), do: DynamicSupervisor.start_link(__MODULE__, req)

  @impl true
  def init(req) do
    [parent | _] = Process.get(:"$ancestors")
    Beamcheck.Recorder.call({:supervisor, "dsup", parent})

    flags = %{
      strategy: :one_for_one,
      intensity: Map.get(req, "max_restarts", 3),
      period: Map.get(req, "max_seconds", 5),
      max_children: Decode.term(Map.get(req, "max_children", "infinity")),
      extra_arguments: []
    }

    case Map.fetch(req, "auto_shutdown") do
      {:ok, value} -> {:ok, Map.put(flags, :auto_shutdown, Decode.term(value))}
      :error -> {:ok, flags}
    end
  end
end

defmodule Beamcheck.Dyn do
  @moduledoc "DynamicSupervisor commands: `dyn_start`, `dyn_call`."
  alias Beamcheck.{Canon, Case, Decode, Json, Names}

  def start(state, req) do
    if state.dsup != nil and Process.alive?(state.dsup), do: raise("the case's DynamicSupervisor is already running")
    result = Case.in_holder(state, fn -> Beamcheck.DynamicSupervisor.start_link(req) end)

    dsup =
      case result do
        {:ok, pid} -> pid
        _ -> state.dsup
      end

    {Canon.term(result), %{state | dsup: dsup}}
  end

  def call(%{dsup: nil}, _req), do: raise("no DynamicSupervisor: send dyn_start first")

  def call(state, req) do
    body = function(Map.fetch!(req, "fun"), Map.get(req, "args", []))

    result =
      try do
        body.(state.dsup)
      catch
        :exit, reason -> %{"exit" => Canon.term(reason)}
      end

    {result, state}
  end

  defp function("start_child", [child]) do
    spec = Decode.child_spec(child)
    fn dsup -> Canon.term(DynamicSupervisor.start_child(dsup, spec)) end
  end

  defp function("terminate_child", [name]) when is_binary(name) do
    pid = Names.any(name) || raise("unknown process #{inspect(name)}")
    fn dsup -> Canon.term(DynamicSupervisor.terminate_child(dsup, pid)) end
  end

  # Map iteration order is no observation (supervision.md rule 120): sorted by JSON text.
  defp function("which_children", []),
    do: fn dsup -> dsup |> DynamicSupervisor.which_children() |> Canon.term() |> Enum.sort_by(&Json.encode_own/1) end

  defp function("count_children", []), do: fn dsup -> Canon.term(DynamicSupervisor.count_children(dsup)) end
  defp function(fun, args), do: raise("bad dyn_call: #{inspect(fun)} with #{inspect(args)}")
end

defmodule Beamcheck.Part do
  @moduledoc """
  PartitionSupervisor commands: `part_start`, `part_whereis`, `part_call`, `part_child_spec`.
  The supervisor is named `Beamcheck.Partitions`, or `{:via, Registry, {Beamcheck.Registry,
  :partitions}}` for `"name": "via"`; the driver tracks it as `"psup"`.
  """
  alias Beamcheck.{Canon, Case, Decode, Recorder}

  @atom_name Beamcheck.Partitions

  defp name(_state, "atom"), do: @atom_name
  defp name(%{registry: nil}, "via"), do: raise("a via name needs the registry: send reg_start first")
  defp name(_state, "via"), do: {:via, Registry, {Beamcheck.Registry, :partitions}}
  defp name(_state, other), do: raise("bad PartitionSupervisor name: #{inspect(other)}")

  def start(state, req) do
    if state.psup != nil and Process.alive?(state.psup), do: raise("the case's PartitionSupervisor is already running")
    name = name(state, Map.get(req, "name", "atom"))
    spec = Decode.child_spec(Map.fetch!(req, "child"))
    options = [name: name, child_spec: spec, partitions: Map.get(req, "partitions", 2)]

    case Case.in_holder(state, fn -> PartitionSupervisor.start_link(options) end) do
      {:ok, pid} = result ->
        Recorder.call({:track_supervisor, pid, "psup", state.holder})
        {Canon.term(result), %{state | psup: pid, psup_name: name}}

      other ->
        {Canon.term(other), state}
    end
  end

  def whereis(state, req) do
    name = need(state)
    key = Decode.term(Map.fetch!(req, "key"))
    {guarded(fn -> GenServer.whereis({:via, PartitionSupervisor, {name, key}}) end), state}
  end

  def call(state, req) do
    name = need(state)

    body =
      case {Map.fetch!(req, "fun"), Map.get(req, "args", [])} do
        {"which_children", []} -> fn -> PartitionSupervisor.which_children(name) end
        {"count_children", []} -> fn -> PartitionSupervisor.count_children(name) end
        {"partitions", []} -> fn -> PartitionSupervisor.partitions(name) end
        {"resize", [n]} when is_integer(n) -> fn -> apply(PartitionSupervisor, :resize!, [name, n]) end
        {fun, args} -> raise("bad part_call: #{inspect(fun)} with #{inspect(args)}")
      end

    {guarded(body), state}
  end

  def child_spec(state, req) do
    options =
      case Map.fetch(req, "name") do
        {:ok, n} -> [name: name(state, n)]
        :error -> []
      end

    {Canon.term(PartitionSupervisor.child_spec(options)), state}
  end

  defp need(%{psup_name: nil}), do: raise("no PartitionSupervisor: send part_start first")
  defp need(state), do: state.psup_name

  defp guarded(fun) do
    Canon.term(fun.())
  rescue
    e -> Canon.raised(e)
  catch
    :exit, reason -> %{"exit" => Canon.term(reason)}
  end
end

defmodule Beamcheck.Commands do
  @moduledoc "One function per protocol command: `{result_json, state}`."
  alias Beamcheck.{Canon, Case, CaseGroup, Decode, Dyn, Names, Part, Probes, Recorder, Reg, Sync, Tasks, Tree}

  def run("hello", req, state) do
    if Map.get(req, "protocol") != 1, do: raise("unsupported protocol #{inspect(Map.get(req, "protocol"))} (this driver speaks 1)")
    {%{"protocol" => 1, "runtime" => runtime(), "capabilities" => capabilities()}, state}
  end

  def run("sup_start", req, state) do
    if state.sup != nil and Process.alive?(state.sup), do: raise("the case's supervisor is already running")
    tree = Map.fetch!(req, "tree")

    result =
      if Map.get(req, "front_end", false) == true,
        do: front_end_start(state, tree),
        else: Case.in_holder(state, fn -> Beamcheck.Supervisor.start_link("sup", tree) end)

    sup =
      case result do
        {:ok, pid} -> pid
        _ -> state.sup
      end

    {Canon.term(result), %{state | sup: sup}}
  end

  def run("child_spec", req, state) do
    spec = Decode.child_spec(Map.fetch!(req, "child"))
    overrides = Map.get(req, "overrides", %{})
    if not is_map(overrides), do: raise("child_spec: \"overrides\" must be an object")
    overrides = for {key, value} <- Enum.sort(overrides), do: override(key, value)

    result =
      try do
        Canon.term(canonical_childspec("child_spec", Supervisor.child_spec(spec, overrides)))
      rescue
        e -> Canon.raised(e)
      end

    {result, state}
  end

  def run("sup_call", req, state) do
    need_sup(state)
    fun = Map.fetch!(req, "fun")
    args = Map.get(req, "args", [])

    case sup_target(state, Map.get(req, "sup", "sup")) do
      nil -> {"not_running", state}
      pid -> {sup_call(pid, fun, args), state}
    end
  end

  def run("sup_stop", req, state) do
    need_sup(state)
    reason = Decode.reason(Map.get(req, "reason", "normal"))

    result =
      try do
        Supervisor.stop(state.sup, reason, :infinity)
        "ok"
      catch
        :exit, r -> %{"exit" => Canon.term(r)}
      end

    {result, state}
  end

  def run("crash", req, state) do
    reason = Decode.reason(Map.fetch!(req, "reason"))
    with_child(state, req, fn pid -> send(pid, {:crash, reason}) end)
  end

  def run("start_probe", req, state), do: Probes.start(state, req)
  def run("alias_probe", req, state), do: Probes.alias_probe(state, req)
  def run("task_lineage", req, state), do: Probes.task_lineage(state, req)
  def run("task_stream", req, state), do: Probes.task_stream(state, req)
  def run("dyn_start", req, state), do: Dyn.start(state, req)
  def run("dyn_call", req, state), do: Dyn.call(state, req)
  def run("part_start", req, state), do: Part.start(state, req)
  def run("part_whereis", req, state), do: Part.whereis(state, req)
  def run("part_call", req, state), do: Part.call(state, req)
  def run("part_child_spec", req, state), do: Part.child_spec(state, req)
  def run("task_completed", req, state), do: Tasks.completed(state, req)
  def run("task_yield_many", req, state), do: Tasks.yield_many(state, req)
  def run("tsup_start", req, state), do: Tasks.tsup_start(state, req)
  def run("tsup_start_child", req, state), do: Tasks.tsup_start_child(state, req)
  def run("reg_lock", req, state), do: Reg.lock(state, req)

  def run("kill", req, state), do: with_child(state, req, fn pid -> Process.exit(pid, :kill) end)

  def run("signal", req, state) do
    reason = Decode.reason(Map.fetch!(req, "reason"))
    with_child(state, req, fn pid -> Process.exit(pid, reason) end)
  end

  def run("call", req, state) do
    case target(state, req) do
      nil -> {"not_running", state}
      pid -> call_child(state, pid, request(Map.fetch!(req, "request")), Decode.timeout(Map.get(req, "timeout", 5000)))
    end
  end

  def run("cast", req, state) do
    case target(state, req) do
      nil -> {"not_running", state}
      pid -> cast_child(state, pid, cast_request(Map.fetch!(req, "request")))
    end
  end

  def run("advance", req, state) do
    ms = Map.fetch!(req, "ms")
    if not (is_integer(ms) and ms >= 0), do: raise("bad ms: #{inspect(ms)}")
    {"ok", Tasks.advance(state, ms)}
  end

  def run("task_owner", req, state), do: {"ok", Tasks.start_owner(state, Map.get(req, "trap_exit", false) == true)}
  def run("task_async", req, state), do: Tasks.async(state, req)
  def run("task_await", req, state), do: Tasks.await(state, req)
  def run("task_yield", req, state), do: Tasks.yield(state, req)
  def run("task_shutdown", req, state), do: Tasks.shutdown(state, req)
  def run("task_owner_mailbox", _req, state), do: Tasks.mailbox(state)

  def run("reg_start", req, state), do: Reg.start(state, req)
  def run("reg_register", req, state), do: Reg.register(state, req)
  def run("reg_unregister", req, state), do: Reg.unregister(state, req)
  def run("reg_kill", req, state), do: Reg.kill(state, req)
  def run("reg_lookup", req, state), do: Reg.lookup(state, req)
  def run("reg_keys", req, state), do: Reg.keys(state, req)
  def run("reg_count", _req, state), do: Reg.count(state)
  def run("reg_whereis", req, state), do: Reg.whereis(state, req)

  def run(cmd, _req, _state), do: raise("unknown command: #{inspect(cmd)}")

  def runtime, do: "Elixir #{System.version()} / OTP #{System.otp_release()}"

  # Every command of these capabilities exists on both Elixir versions: where a version lacks the
  # function a command calls, the command answers what calling it does (`{"raise": EXC}`).
  @extensions ~w(worker_extensions start_probe simple_one_for_one supervisor_front_end dynamic_supervisor
                 partition_supervisor task_extensions probes registry_lock)

  def capabilities do
    base = ["supervisor", "auto_shutdown", "nested_supervisors", "task", "registry"] ++ @extensions
    if Version.match?(System.version(), ">= 1.19.0"), do: base ++ ["registry_key_partitioning"], else: base
  end

  # The Elixir front end `Supervisor.start_link(children, options)` (supervision.md rules 16, 27):
  # the supervisor has no hook of its own, so the driver tracks it as "sup" once it runs, and
  # records the `sup_exit` of a failed start itself.
  defp front_end_start(state, tree) do
    children = Enum.map(Map.get(tree, "children", []), &Decode.child_spec/1)
    flags = Decode.sup_flags(tree)
    options = [strategy: flags.strategy, max_restarts: flags.intensity, max_seconds: flags.period]
    options = if Map.has_key?(flags, :auto_shutdown), do: options ++ [auto_shutdown: flags.auto_shutdown], else: options
    result = Case.in_holder(state, fn -> Supervisor.start_link(children, options) end)

    case result do
      {:ok, pid} -> Recorder.call({:track_supervisor, pid, "sup", state.holder})
      {:error, reason} -> Recorder.call({:event, {:sup_exit, "sup", reason}})
      _ -> :ok
    end

    result
  end

  defp override("shutdown", value), do: {:shutdown, Decode.shutdown(value)}
  defp override(key, value) when is_binary(key), do: {String.to_atom(key), Decode.term(value)}

  # A tree child by id, or any live process by its name (`ID#N`: a simple_one_for_one,
  # DynamicSupervisor or PartitionSupervisor child).
  defp target(state, req) do
    child = Map.fetch!(req, "child")

    if is_binary(child) and String.contains?(child, "#"),
      do: Names.live(child),
      else: Tree.child_pid(state.sup, Decode.term(child))
  end

  defp need_sup(%{sup: nil}), do: raise("no supervisor: send sup_start first")
  defp need_sup(_), do: :ok

  defp sup_target(state, "sup"), do: state.sup

  defp sup_target(state, id) do
    case Tree.find(state.sup, String.to_atom(id)) do
      {:found, pid, :supervisor} when is_pid(pid) -> pid
      _ -> nil
    end
  end

  @sup_funs ~w(which_children count_children terminate_child restart_child delete_child start_child get_childspec)

  defp sup_call(pid, fun, args) when fun in @sup_funs do
    args = sup_args(fun, args)

    try do
      result = apply(sup_module(fun), String.to_atom(fun), [pid | args])
      Canon.term(canonical_childspec(fun, result))
    catch
      :exit, reason -> %{"exit" => Canon.term(canonical_childspec(fun, reason))}
    end
  end

  defp sup_call(_pid, fun, _args), do: raise("unknown supervisor function: #{inspect(fun)}")

  # Elixir's Supervisor has no get_childspec: it is Erlang's `:supervisor.get_childspec/2`.
  defp sup_module("get_childspec"), do: :supervisor
  defp sup_module(_), do: Supervisor

  defp sup_args("start_child", [extra]) when is_list(extra), do: [Enum.map(extra, &Decode.term/1)]
  defp sup_args("start_child", [child]), do: [Decode.child_spec(child)]
  defp sup_args(fun, [id]) when fun in ~w(terminate_child restart_child delete_child get_childspec), do: [Decode.term(id)]
  defp sup_args(fun, []) when fun in ~w(which_children count_children), do: []
  defp sup_args(fun, args), do: raise("bad arguments for #{fun}: #{inspect(args)}")

  # The worker's configuration is the driver's business: the start MFA of a child, in a child
  # spec map (get_childspec, the arguments of a failed call) or a supervisor's child record
  # (start_child errors), anywhere in a result or exit reason, shows `[ID]` as its arguments.
  defp canonical_childspec(_fun, %{start: {m, f, _}, id: id} = spec), do: %{spec | start: {m, f, [id]}}

  defp canonical_childspec(_fun, {:child, pid, id, {m, f, _}, restart, significant, shutdown, type, modules}),
    do: {:child, pid, id, {m, f, [id]}, restart, significant, shutdown, type, modules}

  defp canonical_childspec(fun, tuple) when is_tuple(tuple),
    do: tuple |> Tuple.to_list() |> Enum.map(&canonical_childspec(fun, &1)) |> List.to_tuple()

  # Element by element, so that an improper tail is kept as it is.
  defp canonical_childspec(fun, [head | tail]), do: [canonical_childspec(fun, head) | canonical_childspec(fun, tail)]

  defp canonical_childspec(_fun, other), do: other

  defp with_child(state, req, act) do
    case target(state, req) do
      nil ->
        {"not_running", state}

      pid ->
        ref = Process.monitor(pid)
        act.(pid)
        Sync.settle(pid, ref)
        {"ok", state}
    end
  end

  defp cast_request(%{"stop" => reason}), do: {:stop, Decode.reason(reason)}
  defp cast_request(other), do: request(other)

  # The cast comes from a fresh process; then the worker is probed, so it has handled the cast
  # (the task clock runs meanwhile, by the worker's sleep, as for a call).
  defp cast_child(state, pid, request) do
    caller = CaseGroup.spawn_case(fn -> Sync.serve(false) end)

    cast = fn ->
      GenServer.cast(pid, request)
      Sync.settle(pid, Process.monitor(pid))
      "ok"
    end

    busy_ms =
      case request do
        {:sleep, ms} when is_integer(ms) -> ms
        _ -> 0
      end

    {reply, _, state} = Tasks.pump(state, busy_ms, Sync.request(caller, cast))
    Process.exit(caller, :kill)
    {Case.unwrap(reply), Tasks.set_clock(state, state.vclock + busy_ms)}
  end

  defp request("ping"), do: :ping
  defp request("stop"), do: :stop
  defp request(%{"sleep" => ms}) when is_integer(ms), do: {:sleep, ms}
  defp request(other), do: Decode.term(other)

  # A fresh process makes the call (the task clock runs meanwhile, by the worker's sleep); then
  # the worker is probed so that it has finished the request.
  defp call_child(state, pid, request, timeout) do
    caller = CaseGroup.spawn_case(fn -> Sync.serve(false) end)

    call = fn ->
      try do
        %{"reply" => Canon.term(GenServer.call(pid, request, timeout))}
      catch
        :exit, reason -> %{"exit" => Canon.term(reason)}
      end
    end

    busy_ms =
      case request do
        {:sleep, ms} when is_integer(ms) -> ms
        _ -> 0
      end

    {reply, _, state} = Tasks.pump(state, busy_ms, Sync.request(caller, call))
    Process.exit(caller, :kill)
    Sync.settle(pid, Process.monitor(pid))
    {Case.unwrap(reply), Tasks.set_clock(state, state.vclock + busy_ms)}
  end
end

defmodule Beamcheck.Driver do
  @moduledoc "The request loop: one JSON line in, one JSON line out."
  alias Beamcheck.{Canon, Case, Commands, Json, Recorder, Reg, Tasks, Tree}

  def main do
    Json.init()
    Beamcheck.Names.init()
    Beamcheck.CaseGroup.start()
    Beamcheck.ReportHandler.install()
    loop(Case.new())
  end

  defp loop(state) do
    case IO.read(:stdio, :line) do
      :eof -> :ok
      {:error, _} -> :ok
      line -> line |> String.trim() |> handle_line(state)
    end
  end

  defp handle_line("", state), do: loop(state)

  defp handle_line(line, state) do
    case Json.decode(line) do
      {:ok, %{"cmd" => "quit"} = req} ->
        respond(%{"id" => id(req), "ok" => true, "result" => "ok", "events" => []})

      {:ok, %{"cmd" => "reset"} = req} ->
        state = Case.reset(state)
        respond(%{"id" => id(req), "ok" => true, "result" => "ok", "events" => []})
        loop(state)

      {:ok, %{"cmd" => cmd} = req} when is_binary(cmd) ->
        loop(execute(cmd, req, state))

      {:ok, req} ->
        respond(error(id(req), "malformed request: no \"cmd\""))
        loop(state)

      {:error, _} ->
        respond(error(nil, "malformed request: not JSON: " <> String.slice(line, 0, 80)))
        loop(state)
    end
  end

  defp id(%{"id" => id}), do: id
  defp id(_), do: nil

  defp execute(cmd, req, state) do
    {result, state} = Commands.run(cmd, req, state)
    state = quiesce(state)
    events = Recorder.call(:take) |> Enum.map(&event/1)
    respond(%{"id" => id(req), "ok" => true, "result" => result, "events" => events})
    state
  rescue
    e ->
      respond(error(id(req), Exception.message(e)))
      state
  catch
    kind, reason ->
      respond(error(id(req), "#{kind}: #{inspect(reason)}"))
      state
  end

  # Every effect of the command has happened and has been recorded.
  defp quiesce(state) do
    state = Tasks.settle(state)
    Reg.barrier(state)
    Tree.barrier(state.sup)
    Tree.barrier(state.dsup)
    Tree.barrier(state.psup)
    state
  end

  defp event({:start, id, n}), do: ["start", Canon.term(id), n]
  defp event({:exit, id, n, reason}), do: ["exit", Canon.term(id), n, Canon.term(reason)]
  defp event({:terminate, id, n, reason}), do: ["terminate", Canon.term(id), n, Canon.term(reason)]
  defp event({:start_failed, id, n, how}), do: ["start_failed", Canon.term(id), n, Canon.term(how)]
  defp event({:report, context, {:id, id}, reason}), do: ["report", Canon.term(context), Canon.term(id), Canon.term(reason)]
  defp event({:report, context, :none, reason}), do: ["report", Canon.term(context), nil, Canon.term(reason)]
  defp event({:sup_exit, name, reason}), do: ["sup_exit", name, Canon.term(reason)]

  defp error(id, message) do
    %{"id" => id, "ok" => false, "error" => message |> String.replace(~r/\s*\n\s*/, " ") |> String.slice(0, 500)}
  end

  defp respond(response), do: IO.write(:stdio, [Json.encode(response), ?\n])
end

Beamcheck.Driver.main()
