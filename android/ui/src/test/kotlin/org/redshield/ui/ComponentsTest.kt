package org.redshield.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.material3.Text
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableIntStateOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assert
import androidx.compose.ui.test.SemanticsMatcher
import androidx.compose.ui.test.assertHeightIsAtLeast
import androidx.compose.ui.test.assertIsEnabled
import androidx.compose.ui.test.assertIsNotEnabled
import androidx.compose.ui.test.assertTextContains
import androidx.compose.ui.test.hasStateDescription
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.performTextReplacement
import androidx.compose.ui.test.runComposeUiTest
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.redshield.core.CodeKind
import org.redshield.core.checkCode

@OptIn(ExperimentalTestApi::class)
class ComponentsTest {
    @Test
    fun `a press on an action button acts once, and not at all while busy`() {
        runComposeUiTest {
            var presses by mutableIntStateOf(0)
            var busy by mutableStateOf(false)
            setContent {
                RedshieldTheme(dark = false) {
                    Column {
                        ActionButton("受理", { presses++ }, busy = busy)
                        Text("已按 $presses 次")
                    }
                }
            }
            onNodeWithText("受理").assertHeightIsAtLeast(ActionButtonMinHeight).performClick()
            onNodeWithText("已按 1 次").assertExists()

            busy = true
            onNodeWithText("受理").assert(hasStateDescription("处理中")).assertIsEnabled().performClick()
            onNodeWithText("已按 1 次").assertExists()
            assertEquals(1, presses)
        }
    }

    @Test
    fun `a disabled action button does not act`() {
        runComposeUiTest {
            var presses = 0
            setContent { RedshieldTheme(dark = true) { ActionButton("结束调解", { presses++ }, enabled = false) } }
            onNodeWithText("结束调解").assertIsNotEnabled().performClick()
            assertEquals(0, presses)
        }
    }

    /**
     * A phone field checked by the real core as the officer types (`checkCode`, through JNA):
     * ten digits are refused with the field's error, the eleventh makes it valid.
     */
    @Test
    fun `typed text shows in a labeled field, and the core's verdict shows under it`() {
        runComposeUiTest {
            setContent {
                RedshieldTheme(dark = false) {
                    var phone by remember { mutableStateOf("") }
                    val valid = phone.isEmpty() || checkCode(CodeKind.MOBILE_PHONE, phone).valid
                    LabeledField(
                        "手机号码", phone, { phone = it }, required = true,
                        supporting = "11 位手机号码",
                        error = if (valid) null else "手机号码应为 11 位数字",
                    )
                }
            }
            val field = onNodeWithContentDescription("手机号码（必填）")
            onNodeWithText("11 位手机号码").assertExists()

            field.performTextInput("1380731223")
            field.assertTextContains("1380731223")
            field.assert(SemanticsMatcher.expectValue(SemanticsProperties.Error, "手机号码应为 11 位数字"))
            onNodeWithText("手机号码应为 11 位数字").assertExists()
            onNodeWithText("11 位手机号码").assertDoesNotExist()

            field.performTextInput("3")
            field.assertTextContains("13807312233")
            field.assert(SemanticsMatcher.keyNotDefined(SemanticsProperties.Error))
            onNodeWithText("手机号码应为 11 位数字").assertDoesNotExist()

            field.performTextReplacement("王芳")
            onNode(hasText("王芳")).assertExists()
        }
    }
}
