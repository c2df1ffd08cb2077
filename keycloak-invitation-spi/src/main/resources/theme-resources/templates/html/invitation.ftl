<#-- Invitation email. Values are escaped by FreeMarker's HTML output format; no message holds markup. -->
<#import "template.ftl" as layout>
<@layout.emailLayout>
<p><#if inviteeName??>${msg("invitationGreeting", inviteeName)}<#else>${msg("invitationGreetingNoName")}</#if></p>
<p>${msg("invitationIntro", inviterName, realmName)}</p>
<#if sso>
<p>${msg("invitationSsoInstruction", identityProviderName)}</p>
<p><a href="${link}" style="display:inline-block;padding:10px 18px;background:#2f6fde;color:#ffffff;text-decoration:none;border-radius:4px">${msg("invitationSsoAction", identityProviderName)}</a></p>
<#else>
<p>${msg("invitationPasswordInstruction", inviteeEmail)}</p>
<p><a href="${link}" style="display:inline-block;padding:10px 18px;background:#2f6fde;color:#ffffff;text-decoration:none;border-radius:4px">${msg("invitationPasswordAction")}</a></p>
</#if>
<p>${msg("invitationExpiry", linkExpirationFormatter(linkExpiration), expiresAt)}</p>
<p>${msg("invitationLinkFallback")}<br><a href="${link}">${link}</a></p>
<p>${msg("invitationIgnore")}</p>
</@layout.emailLayout>
