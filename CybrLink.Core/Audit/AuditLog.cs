using CybrLink.Core.Data;

namespace CybrLink.Core.Audit;

/// <summary>Adds audit events to the caller's unit of work, so an event is saved exactly when its change is.</summary>
public sealed class AuditLog(TimeProvider time)
{
    public const int MaxDetailLength = 500;

    public void Add(CybrLinkDbContext db, string action, AuditActor actor, AuditTarget target, string? detail = null) =>
        db.AuditEvents.Add(new AuditEvent
        {
            Id = Guid.CreateVersion7(),
            At = time.GetUtcNow(),
            Action = action,
            ActorType = actor.Type,
            ActorId = actor.Id,
            TargetType = target.Type,
            TargetId = target.Id,
            Detail = detail is { Length: > MaxDetailLength } ? detail[..MaxDetailLength] : detail,
        });
}
