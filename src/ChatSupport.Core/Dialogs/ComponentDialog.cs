using System.Text.Json.Nodes;
using ChatSupport.Bots;

namespace ChatSupport.Dialogs;

/// <summary>
/// A dialog made of other dialogs: its own <see cref="DialogSet"/> and an inner stack kept in its instance
/// state under <c>dialogs</c>, so a component is used from outside like any single dialog.
/// </summary>
public abstract class ComponentDialog(string id) : Dialog(id)
{
    private readonly DialogSet _dialogs = new();

    public string? InitialDialogId { get; protected set; }

    protected ComponentDialog AddDialog(Dialog dialog)
    {
        _dialogs.Add(dialog);
        InitialDialogId ??= dialog.Id;
        return this;
    }

    public Dialog? FindDialog(string dialogId) => _dialogs.Find(dialogId);

    public override async Task<DialogTurnResult> BeginDialogAsync(DialogContext outer, object? options = null, CancellationToken cancellationToken = default)
    {
        var inner = CreateInnerContext(outer, outer.ActiveDialog!);
        var turn = await OnBeginDialogAsync(inner, options, cancellationToken).ConfigureAwait(false);
        return await EndIfCompleteAsync(outer, turn, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<DialogTurnResult> ContinueDialogAsync(DialogContext outer, CancellationToken cancellationToken = default)
    {
        var inner = CreateInnerContext(outer, outer.ActiveDialog!);
        var turn = await OnContinueDialogAsync(inner, cancellationToken).ConfigureAwait(false);
        return await EndIfCompleteAsync(outer, turn, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The component was on the stack under a dialog of the outer set that ended: reprompt and wait.</summary>
    public override async Task<DialogTurnResult> ResumeDialogAsync(DialogContext outer, DialogReason reason, object? result = null, CancellationToken cancellationToken = default)
    {
        await RepromptDialogAsync(outer.Context, outer.ActiveDialog!, cancellationToken).ConfigureAwait(false);
        return EndOfTurn;
    }

    public override Task RepromptDialogAsync(ITurnContext turnContext, DialogInstance instance, CancellationToken cancellationToken = default) =>
        new DialogContext(_dialogs, turnContext, InnerState(instance)).RepromptDialogAsync(cancellationToken);

    public override async Task EndDialogAsync(ITurnContext turnContext, DialogInstance instance, DialogReason reason, CancellationToken cancellationToken = default)
    {
        if (reason == DialogReason.CancelCalled)
            await new DialogContext(_dialogs, turnContext, InnerState(instance)).CancelAllDialogsAsync(cancellationToken).ConfigureAwait(false);
    }

    protected virtual Task<DialogTurnResult> OnBeginDialogAsync(DialogContext inner, object? options, CancellationToken cancellationToken) =>
        inner.BeginDialogAsync(InitialDialogId ?? throw new InvalidOperationException($"Component '{Id}' has no dialogs."), options, cancellationToken);

    protected virtual Task<DialogTurnResult> OnContinueDialogAsync(DialogContext inner, CancellationToken cancellationToken) =>
        inner.ContinueDialogAsync(cancellationToken);

    private DialogContext CreateInnerContext(DialogContext outer, DialogInstance instance) =>
        new(_dialogs, outer.Context, InnerState(instance), outer);

    private static DialogState InnerState(DialogInstance instance)
    {
        if (instance.State["dialogs"] is not JsonArray stack)
        {
            stack = [];
            instance.State["dialogs"] = stack;
        }
        return new DialogState(stack);
    }

    /// <summary>The component ends when its inner stack does, whether it completed or was cancelled from inside.</summary>
    private static async Task<DialogTurnResult> EndIfCompleteAsync(DialogContext outer, DialogTurnResult turn, CancellationToken ct) =>
        turn.Status == DialogTurnStatus.Waiting ? turn : await outer.EndDialogAsync(turn.Result, ct).ConfigureAwait(false);
}
