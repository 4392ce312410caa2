using System.Threading.RateLimiting;
using CybrLink.Web.Infrastructure;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Account;

/// <summary>The answer to "may this form post be tried now?", with how long to wait when not.</summary>
public readonly record struct ThrottleDecision(bool Allowed, int RetryAfterSeconds)
{
    public static ThrottleDecision Allow { get; } = new(true, 0);
}

/// <summary>
/// Rate limits for the sign-in and setup forms, which replace account lockout and setup-code voiding. A form post
/// is limited before its password or code is checked, so a rejected try reveals nothing.
/// </summary>
public sealed class AccountThrottle : IDisposable
{
    // Note: these limits replace Identity's lockout. Lockout let anyone lock out a known admin with five wrong
    // passwords. Here an attacker's address is slowed first (per address, then per account from that address), and
    // the account-wide limit is higher than one address can reach, so the owner, signing in from elsewhere, keeps
    // getting in; only a guessing attack spread over many addresses slows the owner too, and only for one window.
    private readonly PartitionedRateLimiter<string> _signInPerAddress;
    private readonly PartitionedRateLimiter<string> _signInPerAccountAndAddress;
    private readonly PartitionedRateLimiter<string> _signInPerAccount;
    private readonly PartitionedRateLimiter<string> _setupPerAddress;

    public AccountThrottle(IOptions<RateLimits> options)
    {
        var limits = options.Value;
        _signInPerAddress = Create(limits.SignInPerAddress);
        _signInPerAccountAndAddress = Create(limits.SignInPerAccountAndAddress);
        _signInPerAccount = Create(limits.SignInPerAccount);
        _setupPerAddress = Create(limits.SetupPerAddress);
    }

    public ThrottleDecision TrySignIn(string address, string email)
    {
        var account = email.Trim().ToUpperInvariant();
        var decision = TryAcquire(_signInPerAddress, address);
        if (decision.Allowed)
        {
            decision = TryAcquire(_signInPerAccountAndAddress, account + "|" + address);
        }

        if (decision.Allowed)
        {
            decision = TryAcquire(_signInPerAccount, account);
        }

        return decision;
    }

    public const string SignInMessage = "Too many sign-in attempts. Wait a minute, then try again.";
    public const string SetupMessage = "Too many tries. Wait a minute, then try again.";

    public ThrottleDecision TrySetup(string address) => TryAcquire(_setupPerAddress, address);

    /// <summary>Marks a re-rendered form as rate limited: 429 with Retry-After.</summary>
    public static void Reject(HttpContext http, ThrottleDecision decision)
    {
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        _signInPerAddress.Dispose();
        _signInPerAccountAndAddress.Dispose();
        _signInPerAccount.Dispose();
        _setupPerAddress.Dispose();
    }

    private static PartitionedRateLimiter<string> Create(RateLimit limit) =>
        PartitionedRateLimiter.Create<string, string>(key =>
            RateLimitPartition.GetSlidingWindowLimiter(key, _ => limit.ToLimiterOptions()));

    private static ThrottleDecision TryAcquire(PartitionedRateLimiter<string> limiter, string key)
    {
        using var lease = limiter.AttemptAcquire(key);
        return lease.IsAcquired ? ThrottleDecision.Allow : new(false, RateLimiting.RetryAfterSeconds(lease, TimeSpan.FromSeconds(10)));
    }
}
