<#ftl output_format="plainText">
<#if inviteeName??>${msg("invitationGreeting", inviteeName)}<#else>${msg("invitationGreetingNoName")}</#if>

${msg("invitationIntro", inviterName, realmName)}

<#if sso>
${msg("invitationSsoInstruction", identityProviderName)}

${msg("invitationSsoAction", identityProviderName)}:
${link}
<#else>
${msg("invitationPasswordInstruction", inviteeEmail)}

${msg("invitationPasswordAction")}:
${link}
</#if>

${msg("invitationExpiry", linkExpirationFormatter(linkExpiration), expiresAt)}

${msg("invitationIgnore")}
