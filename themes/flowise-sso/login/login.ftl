<#-- keycloak.v2's login.ftl with single sign-on as the primary action: identity providers first, as primary
     buttons; the password form second, for users whose login type is email and password. -->
<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#import "passkeys.ftl" as passkeys>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('username','password') displayInfo=false; section>
    <#if section = "header">
        ${msg("loginAccountTitle")}
    <#elseif section = "form">
        <#if social.providers?? && social.providers?has_content>
            <div id="flowise-sso" class="${properties.kcFormGroupClass!}">
                <#list social.providers as p>
                    <a id="social-${p.alias}" href="${p.loginUrl}" type="button"
                       class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}">
                        ${msg("flowiseSignInWith", p.displayName!)}
                    </a>
                </#list>
                <p class="${properties.kcFormHelperTextClass!}">${msg("flowiseSsoHint")}</p>
            </div>
        </#if>
        <#if realm.password>
            <div id="kc-form">
              <div id="kc-form-wrapper">
                <#if social.providers?? && social.providers?has_content>
                    <p id="flowise-password-heading" class="${properties.kcFormHelperTextClass!}">${msg("flowisePasswordHeading")}</p>
                </#if>
                <form id="kc-form-login" class="${properties.kcFormClass!}" onsubmit="login.disabled = true; return true;" action="${url.loginAction}" method="post" novalidate="novalidate">
                    <#if !usernameHidden??>
                        <#assign label>
                            <#if !realm.loginWithEmailAllowed>${msg("username")}<#elseif !realm.registrationEmailAsUsername>${msg("usernameOrEmail")}<#else>${msg("email")}</#if>
                        </#assign>
                        <@field.input name="username" label=label error=messagesPerField.getFirstError('username','password')
                            autofocus=false autocomplete="${(enableWebAuthnConditionalUI?has_content)?then('username webauthn', 'username')}" value=login.username!'' />
                    </#if>
                    <@field.password name="password" label=msg("password") error="" forgotPassword=realm.resetPasswordAllowed autofocus=usernameHidden?? autocomplete="current-password">
                        <#if realm.rememberMe && !usernameHidden??>
                            <@field.checkbox name="rememberMe" label=msg("rememberMe") value=login.rememberMe?? />
                        </#if>
                    </@field.password>
                    <input type="hidden" id="id-hidden-input" name="credentialId" <#if auth.selectedCredential?has_content>value="${auth.selectedCredential}"</#if>/>
                    <@buttons.actionGroup>
                        <@buttons.button id="kc-login" name="login" label="doLogIn" type="secondary" />
                    </@buttons.actionGroup>
                </form>
              </div>
            </div>
        </#if>
        <@passkeys.conditionalUIData />
    </#if>
</@layout.registrationLayout>
