<#import "template.ftl" as layout>
<@layout.registrationLayout displayInfo=false; section>
    <#if section = "header">
        ${msg("invitationTitle", invitation.realmName)}
    <#elseif section = "form">
        <div id="flowise-invitation">
            <p id="invitation-address">${msg("invitationFor")} <strong>${invitation.email}</strong></p>
            <p id="invitation-explanation">
                <#if invitation.loginType == "SSO">${msg("invitationExplainSso", invitation.identityProvider)}<#else>${msg("invitationExplainPassword")}</#if>
            </p>
            <form id="invitation-form" action="${invitation.actionUrl}" method="post">
                <input type="hidden" name="token" value="${invitation.token}">
                <input type="hidden" name="csrf" value="${invitation.csrf}">
                <div class="${properties.kcFormButtonsClass!}">
                    <button id="invitation-accept" type="submit"
                            class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}">
                        <#if invitation.loginType == "SSO">${msg("invitationSignInWith", invitation.identityProvider)}<#else>${msg("invitationSetPassword")}</#if>
                    </button>
                </div>
            </form>
        </div>
    </#if>
</@layout.registrationLayout>
