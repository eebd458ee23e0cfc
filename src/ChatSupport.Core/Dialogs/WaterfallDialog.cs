using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatSupport.Dialogs;

/// <summary>A fixed sequence of steps; each step prompts or ends, and the next runs when the child ends.</summary>
public sealed class WaterfallDialog(string id, IEnumerable<WaterfallStep> steps) : Dialog(id)
{
    private readonly IReadOnlyList<WaterfallStep> _steps = [.. steps];

    public override Task<DialogTurnResult> BeginDialogAsync(DialogContext dc, object? options = null, CancellationToken cancellationToken = default)
    {
        dc.ActiveDialog!.State["stepIndex"] = -1;
        dc.ActiveDialog.State["values"] = new JsonObject();
        // Options are kept as JSON, so every step (in any later turn) can read them.
        if (options is not null) dc.ActiveDialog.State["options"] = options as JsonNode ?? JsonSerializer.SerializeToNode(options);
        return RunStepAsync(dc, 0, DialogReason.BeginCalled, options, cancellationToken);
    }

    /// <summary>A message moves to the next step (with its text as the result); other activities (typing, events) do not.</summary>
    public override Task<DialogTurnResult> ContinueDialogAsync(DialogContext dc, CancellationToken cancellationToken = default) =>
        dc.Context.Activity.Type == Activities.ActivityTypes.Message
            ? ResumeDialogAsync(dc, DialogReason.ContinueCalled, dc.Context.Activity.Text, cancellationToken)
            : Task.FromResult(EndOfTurn);

    public override Task<DialogTurnResult> ResumeDialogAsync(DialogContext dc, DialogReason reason, object? result = null, CancellationToken cancellationToken = default)
    {
        var index = dc.ActiveDialog!.State["stepIndex"]!.GetValue<int>();
        return RunStepAsync(dc, index + 1, reason, result, cancellationToken);
    }

    internal Task<DialogTurnResult> RunStepAsync(DialogContext dc, int index, DialogReason reason, object? result, CancellationToken ct)
    {
        if (index >= _steps.Count) return dc.EndDialogAsync(result, ct);
        var state = dc.ActiveDialog!.State;
        state["stepIndex"] = index;
        var step = new WaterfallStepContext(this, dc, index, reason, result, state["values"]!.AsObject(), state["options"]);
        return _steps[index](step, ct);
    }
}

public delegate Task<DialogTurnResult> WaterfallStep(WaterfallStepContext stepContext, CancellationToken cancellationToken);

/// <summary>What a waterfall step gets: the previous step's result and the waterfall's values.</summary>
public sealed class WaterfallStepContext(WaterfallDialog waterfall, DialogContext dc, int index, DialogReason reason, object? result, JsonObject values, JsonNode? options)
{
    /// <summary>The options the waterfall was begun with, as JSON.</summary>
    public JsonNode? Options { get; } = options;
    public DialogContext Context { get; } = dc;
    public int Index { get; } = index;
    public DialogReason Reason { get; } = reason;
    public object? Result { get; } = result;
    /// <summary>Values the steps keep between turns (JSON).</summary>
    public JsonObject Values { get; } = values;

    public Task<DialogTurnResult> BeginDialogAsync(string dialogId, object? options = null, CancellationToken ct = default) =>
        Context.BeginDialogAsync(dialogId, options, ct);

    public Task<DialogTurnResult> EndDialogAsync(object? result = null, CancellationToken ct = default) => Context.EndDialogAsync(result, ct);

    /// <summary>Skips to the next step with <paramref name="result"/>.</summary>
    public Task<DialogTurnResult> NextAsync(object? result = null, CancellationToken ct = default) =>
        waterfall.RunStepAsync(Context, Index + 1, DialogReason.NextCalled, result, ct);
}
